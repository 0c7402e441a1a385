/**
 * What an installed imdsd service needs around it in a test: a user manager (see
 * user-manager.ts), the local SigV4-verifying STS, and a profile `dev` in the manager's
 * ~/.aws that assumes the STS's role with the STS's user keys. The service finds the STS
 * through AWS_ENDPOINT_URL_STS, which `imdsd install` copies into the unit.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type AuditedStsServer } from './sts-server.js';
import type { UserManager } from './user-manager.js';

export const ROLE = 'dev';
export const PROFILE = `[profile ${ROLE}]\nrole_arn = ${DEFAULT_ROLE_ARN}\nsource_profile = base\nregion = us-east-1\n`;
/** The same profile without role_arn: `imdsd run` exits 78 on it. */
export const BROKEN_PROFILE = `[profile ${ROLE}]\nsource_profile = base\nregion = us-east-1\n`;

export interface ServiceFixture {
  readonly manager: UserManager;
  readonly sts: AuditedStsServer;
  readonly port: number;
  readonly configFile: string;
  /** The manager's login environment plus AWS_ENDPOINT_URL_STS: what `imdsd install` runs with. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export async function serviceFixture(manager: UserManager): Promise<ServiceFixture> {
  const sts = await startStsServer();
  const aws = join(manager.home, '.aws');
  mkdirSync(aws, { mode: 0o700, recursive: true });
  const configFile = join(aws, 'config');
  writeFileSync(configFile, PROFILE, { mode: 0o600 });
  writeFileSync(join(aws, 'credentials'),
    `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`, { mode: 0o600 });
  return {
    manager,
    sts,
    port: await freePort(),
    configFile,
    env: { ...manager.env, AWS_ENDPOINT_URL_STS: sts.url },
    close: () => sts.close(),
  };
}
