/**
 * The active profile of a shell and what it holds in the shared files, read with the
 * SDK's own loader (src/system/aws-files.ts) so that doctor sees exactly the profiles the
 * SDKs see: `[name]` in the credentials file, `[profile name]` (or `[default]`) in the config.
 * What a profile holds is classified as the daemon classifies it (src/profiles/classify.ts).
 */
import type { CredentialKind } from '../../profiles/classify.js';
import { configSectionHeader, loadProfiles, sharedFilePaths, type ProfileMap } from '../../system/aws-files.js';
import type { DoctorDeps } from './deps.js';

export interface SharedFile {
  readonly path: string;
  /** Profile name → settings; undefined when the file does not exist. */
  readonly sections: ProfileMap | undefined;
}

export interface SharedFiles {
  readonly config: SharedFile;
  readonly credentials: SharedFile;
}

export interface ProfileSection {
  readonly file: string;
  /** The section as written between the brackets, for the fix. */
  readonly header: string;
  readonly settings: Readonly<Record<string, string>>;
}

export const KIND_LABEL: Readonly<Record<CredentialKind, string>> = {
  'static-keys': 'a static key pair',
  'credential-process': 'a credential_process',
  sso: 'an SSO login',
  'web-identity': 'a web identity token',
  'role-arn': 'a role to assume',
  'role-over-imds': 'a role assumed with the IMDS credential as its source',
};

export async function loadSharedFiles(deps: Pick<DoctorDeps, 'env' | 'home' | 'files'>): Promise<SharedFiles> {
  const paths = sharedFilePaths(deps.env, deps.home);
  const profiles = await loadProfiles(paths);
  const exists = async (path: string): Promise<boolean> => (await deps.files.readText(path)) !== undefined;
  return {
    config: { path: paths.config, sections: await exists(paths.config) ? profiles.config : undefined },
    credentials: { path: paths.credentials, sections: await exists(paths.credentials) ? profiles.credentials : undefined },
  };
}

/** The profile the SDKs of this shell use, and the variable that chose it. */
export function activeProfile(env: NodeJS.ProcessEnv): { name: string; variable?: 'AWS_PROFILE' | 'AWS_DEFAULT_PROFILE' } {
  if (env.AWS_PROFILE) return { name: env.AWS_PROFILE, variable: 'AWS_PROFILE' };
  if (env.AWS_DEFAULT_PROFILE) return { name: env.AWS_DEFAULT_PROFILE, variable: 'AWS_DEFAULT_PROFILE' };
  return { name: 'default' };
}

function definedOnly(settings: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Every section that defines the profile: the credentials file's first, as the SDKs merge them. */
export function profileSections(files: SharedFiles, name: string): ProfileSection[] {
  const found: ProfileSection[] = [];
  const add = (file: SharedFile, header: string): void => {
    const settings = file.sections?.[name];
    if (settings !== undefined) found.push({ file: file.path, header, settings: definedOnly(settings) });
  };
  add(files.credentials, name);
  add(files.config, configSectionHeader(name));
  return found;
}
