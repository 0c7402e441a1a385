/**
 * Reads one profile from the AWS shared config and credentials files, with the SDK's own
 * loader so AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE are honoured.
 */
import { homedir } from 'node:os';
import { ImdsdError } from '../errors.js';
import { configSectionHeader, loadProfiles, sharedFilePaths, type ProfileMap } from '../system/aws-files.js';
import { configError, type ProfileAt, type Section } from './section.js';

export interface LoadedProfile {
  /** The config file and the profile's name: where its problems are. */
  readonly at: ProfileAt;
  readonly section: Section;
  readonly files: { readonly config: ProfileMap; readonly credentials: ProfileMap };
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return sharedFilePaths(env, homedir()).config;
}

/** The profile's settings (credentials file first, the config file wins) and both files. */
export async function loadProfile(name: string, env: NodeJS.ProcessEnv): Promise<LoadedProfile> {
  const file = configFilePath(env);
  let files: Awaited<ReturnType<typeof loadProfiles>>;
  try {
    files = await loadProfiles(sharedFilePaths(env, homedir()));
  } catch (cause) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${file}: could not be read (${(cause as Error).message})`,
      { hint: 'fix the file or point AWS_CONFIG_FILE at the right one', cause });
  }
  const at = { file, profile: name };
  const fromConfig = files.config[name];
  const fromCredentials = files.credentials[name];
  if (fromConfig === undefined && fromCredentials === undefined) {
    const known = Object.keys(files.config).sort().join(', ') || 'none';
    throw configError('no such profile', `add [${configSectionHeader(name)}] to ${file} or pick one of: ${known}`, at);
  }
  return { at, section: { ...fromCredentials, ...fromConfig }, files };
}
