/**
 * What an installed imdsd service needs around it in a test: a user manager (see
 * user-manager.ts), the local SigV4-verifying STS, and a profile `dev` in the manager's
 * ~/.aws that assumes the STS's role with the STS's user keys. The service finds the STS
 * through AWS_ENDPOINT_URL_STS, which `imdsd install` copies into the unit.
 *
 * `imdsd install` writes the path of the CLI it runs from into ExecStart=. A checkout (or
 * an IMDSD_CLI package) under /tmp or /var/tmp is hidden from the unit by PrivateTmp=yes,
 * so then the directory that holds it is bind-mounted, read-only, into the manager's
 * namespace at a path outside /tmp (UserManager.expose), and install and uninstall run
 * there, from that path, as a user whose package lives there would run them.
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { CLI_UNDER_TEST, runImdsd, UNDER_TEST } from './daemon-process.js';
import type { Ran } from './systemctl.js';
import { freePort } from './free-port.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type AuditedStsServer } from './sts-server.js';
import { reportMissingTool } from './required-tools.js';
import { startUserManager, type UserManager } from './user-manager.js';
import type { Test } from 'tap';

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
  /** The CLI path the unit will run: CLI_UNDER_TEST, or its exposed copy when that is under /tmp. */
  readonly cli: string;
  /** `imdsd …args` from {@link cli}, with {@link env} unless given: for install and uninstall. */
  imdsd(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Ran>;
  close(): Promise<void>;
}

/** The directories PrivateTmp=yes replaces with empty ones of the unit's own. */
const PRIVATE_TMP = ['/tmp', '/var/tmp'];

/** The top directory under /tmp or /var/tmp that holds `path` (`/tmp/clone` for `/tmp/clone/dist/x.js`), if any. */
export function hiddenTop(path: string): string | undefined {
  for (const dir of PRIVATE_TMP) {
    if (!path.startsWith(`${dir}${sep}`)) continue;
    const first = path.slice(dir.length + 1).split(sep)[0];
    return first === undefined || first === '' ? undefined : join(dir, first);
  }
  return undefined;
}

/** Why the service cannot be tested from here even with the checkout exposed, if it cannot. */
export function unexposable(): string | undefined {
  const node = realpathSync(process.execPath);
  const top = hiddenTop(node);
  return top === undefined ? undefined
    : `node (${node}) is under ${top}, which the unit's PrivateTmp=yes hides from the service: run the systemd tests with a node installed outside /tmp and /var/tmp`;
}

async function visibleCli(manager: UserManager): Promise<{ cli: string; hidden: boolean }> {
  const real = realpathSync(CLI_UNDER_TEST);
  const top = hiddenTop(real);
  if (top === undefined) return { cli: CLI_UNDER_TEST, hidden: false };
  const inside = await manager.expose(top);
  return { cli: join(inside, real.slice(top.length + 1)), hidden: true };
}

export async function serviceFixture(manager: UserManager): Promise<ServiceFixture> {
  const { cli, hidden } = await visibleCli(manager);
  const sts = await startStsServer();
  const aws = join(manager.home, '.aws');
  mkdirSync(aws, { mode: 0o700, recursive: true });
  const configFile = join(aws, 'config');
  writeFileSync(configFile, PROFILE, { mode: 0o600 });
  writeFileSync(join(aws, 'credentials'),
    `[base]\naws_access_key_id = ${DEFAULT_USER.accessKeyId}\naws_secret_access_key = ${DEFAULT_USER.secretAccessKey}\n`, { mode: 0o600 });
  const env = { ...manager.env, AWS_ENDPOINT_URL_STS: sts.url };
  const imdsd = (args: readonly string[], runEnv: NodeJS.ProcessEnv = env): Promise<Ran> =>
    hidden ? manager.runInside([process.execPath, cli, ...args], runEnv) : runImdsd(args, runEnv, UNDER_TEST);
  return { manager, sts, port: await freePort(), configFile, env, cli, imdsd, close: () => sts.close() };
}

/**
 * A user manager and the fixture on it, both stopped by `t`'s teardown; undefined after
 * `t` said why there is none (node under /tmp: a skip; no systemd: a skip, or a failure
 * when IMDSD_REQUIRE_CLIENTS=1).
 */
export async function startServiceFixture(t: Test): Promise<ServiceFixture | undefined> {
  const cannot = unexposable();
  if (cannot !== undefined) {
    t.skip(`skipped: ${cannot}`, () => {});
    return undefined;
  }
  const started = await startUserManager();
  if (!started.ok) {
    reportMissingTool(t, `no systemd user manager here: ${started.reason}`);
    return undefined;
  }
  t.teardown(() => started.manager.stop());
  const fixture = await serviceFixture(started.manager);
  t.teardown(() => fixture.close());
  return fixture;
}
