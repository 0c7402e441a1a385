/**
 * Writes a throwaway AWS shared config (and credentials file) and points the SDK's
 * loader at it through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AwsFiles {
  readonly dir: string;
  readonly configFile: string;
  readonly credentialsFile: string;
  /** The variables that select these files. */
  readonly env: { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string };
}

export function writeAwsFiles(config: string, credentials = ''): AwsFiles {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-aws-'));
  const configFile = join(dir, 'config');
  const credentialsFile = join(dir, 'credentials');
  writeFileSync(configFile, config, { mode: 0o600 });
  writeFileSync(credentialsFile, credentials, { mode: 0o600 });
  return { dir, configFile, credentialsFile, env: { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile } };
}

/** Sets process.env entries for the duration of a test (the SDK reads them itself). */
export function withEnv(t: { teardown(fn: () => void): void }, vars: Record<string, string | undefined>): void {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  t.teardown(() => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
}
