/**
 * Turns one configured role (flags or file) into everything needed to run it, by the
 * kind of its profile. Profile problems surface here, as configuration errors.
 */
import type { RoleSpec } from '../config/config.js';
import { resolveKeys } from './keys.js';
import { configFilePath } from './load.js';
import { resolveProcess } from './process.js';
import { readProfile } from './read.js';
import type { ResolvedRole } from './resolved-role.js';
import { resolveAssumedRole } from './role.js';
import { configError } from './section.js';
import { resolveSso } from './sso.js';

export async function resolveRole(spec: RoleSpec, index: number, env: NodeJS.ProcessEnv): Promise<ResolvedRole> {
  if (spec.profile === undefined) return resolveAssumedRole(undefined, undefined, spec, index, env);
  const profile = await readProfile(spec.profile, env);
  if (profile.kind === 'role') return resolveAssumedRole(profile, { file: configFilePath(env), profile: profile.name }, spec, index, env);
  if (spec.roleArn !== undefined) {
    throw configError(`profile ${profile.name} is served directly and takes no roleArn`, 'remove roleArn, or give a role profile');
  }
  switch (profile.kind) {
    case 'sso':
      return resolveSso(profile, spec, index, env);
    case 'process':
      return resolveProcess(profile, spec, index, env);
    case 'keys':
      return resolveKeys(profile, spec, index, env);
  }
}
