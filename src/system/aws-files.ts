/**
 * The AWS shared config and credentials files, found and read exactly as the SDKs do:
 * with the SDK's own loader (`@smithy/shared-ini-file-loader`), so that the daemon and
 * doctor see the same profiles as every tool in the shell (docs/imds-protocol.md, "The
 * shared config and credentials files").
 */
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { join } from 'node:path';

export interface SharedFilePaths {
  readonly config: string;
  readonly credentials: string;
}

/** One file's sections: profile name (config: without `profile `) → its settings. */
export type ProfileMap = Readonly<Record<string, Readonly<Record<string, string | undefined>> | undefined>>;

function expandHome(path: string, home: string): string {
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

/**
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else `~/.aws/config` and
 * `~/.aws/credentials`; an empty variable counts as unset and a leading `~/` is the home,
 * as in the SDK's getConfigFilepath, getCredentialsFilepath and loadSharedConfigFiles.
 */
export function sharedFilePaths(env: NodeJS.ProcessEnv, home: string): SharedFilePaths {
  return {
    config: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), home),
    credentials: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), home),
  };
}

/** The section header of a profile in the config file: `default` or `profile NAME`. */
export function configSectionHeader(name: string): string {
  return name === 'default' ? 'default' : `profile ${name}`;
}

/**
 * Both files parsed by the SDK's loader: indented sub-sections become `parent.key`,
 * inline comments are dropped, and in the config file `[profile default]` wins over
 * `[default]`. A file that is missing or unreadable reads as empty, as in the SDK.
 */
export async function loadProfiles(paths: SharedFilePaths): Promise<{ config: ProfileMap; credentials: ProfileMap }> {
  const files = await loadSharedConfigFiles({ configFilepath: paths.config, filepath: paths.credentials, ignoreCache: true });
  return { config: files.configFile, credentials: files.credentialsFile };
}
