/**
 * Reads any profile that yields temporary credentials (issue 13): the classifier says
 * which kind it is, the kind's module reads its fields.
 */
import { classifyProfile } from './classify.js';
import { readKeysProfile, type KeysProfile } from './keys.js';
import { loadProfile } from './load.js';
import { readProcessProfile, type ProcessProfile } from './process.js';
import { readRoleProfile, type RoleProfile } from './role.js';
import { readSsoProfile, type SsoProfile } from './sso.js';

export type AnyProfile = RoleProfile | SsoProfile | ProcessProfile | KeysProfile;

export async function readProfile(name: string, env: NodeJS.ProcessEnv): Promise<AnyProfile> {
  const loaded = await loadProfile(name, env);
  switch (classifyProfile(loaded.section).served) {
    case 'role':
      return readRoleProfile(loaded);
    case 'sso':
      return readSsoProfile(loaded);
    case 'process':
      return readProcessProfile(loaded);
    case 'keys':
      return readKeysProfile(loaded);
  }
}
