/**
 * Starts the real daemon as a user would (the built CLI, `imdsd run`) against the local
 * STS, with a clean HOME and only the AWS variables it needs.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CLI } from '../test/support/daemon-process.js';
import { DEFAULT_USER } from '../test/support/sts-server.js';
import { spawnServer, type LogLine, type ServerChild } from './child.js';
import { pinned, type Pinning } from './pinning.js';
import type { Workspace } from './workspace.js';

/** The CLI measured: this checkout's build, or another build named by BENCH_CLI (to try a change). */
export const CLI_PATH = process.env.BENCH_CLI ?? CLI;
/** The checkout that CLI belongs to (its dist/ and node_modules/). */
export const CLI_ROOT = resolve(dirname(CLI_PATH), '..', '..', '..');

export const ROLE_NAME = 'dev';
export const CREDENTIAL_PATH = `/latest/meta-data/iam/security-credentials/${ROLE_NAME}`;
export const TOKEN_PATH = '/latest/api/token';
export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
export const TOKEN_HEADER = 'x-aws-ec2-metadata-token';

export interface DaemonLaunch {
  readonly stsUrl: string;
  readonly workspace: Workspace;
  readonly pinning: Pinning;
  /** CPU list to run on (defaults to the servers' CPUs). */
  readonly cpus?: string;
  /** Arguments after `run`. */
  readonly args: readonly string[];
  /** Node flags before the script (e.g. --cpu-prof). */
  readonly nodeFlags?: readonly string[];
}

export function daemonEnv(stsUrl: string, workspace: Workspace): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: workspace.folder('home'),
    LANG: 'C',
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
    AWS_ENDPOINT_URL_STS: stsUrl,
    AWS_REGION: 'us-east-1',
  };
}

/** Spawns the daemon; does not wait for it. */
export function spawnDaemon(launch: DaemonLaunch): ServerChild {
  const { command, args } = pinned(launch.pinning, launch.cpus ?? launch.pinning.servers,
    [...(launch.nodeFlags ?? []), CLI_PATH, 'run', ...launch.args]);
  return spawnServer(command, args, daemonEnv(launch.stsUrl, launch.workspace));
}

export const isListening = (line: LogLine): boolean => line.event === 'listening';

/** Spawns the daemon for one role on a free port and waits until it listens. */
export async function startDaemon(launch: Omit<DaemonLaunch, 'args'> & { roleArn: string; extraArgs?: readonly string[] }):
  Promise<ServerChild & { port: number }> {
  const daemon = spawnDaemon({ ...launch, args: ['--role-arn', launch.roleArn, '--port', '0', ...(launch.extraArgs ?? [])] });
  const line = await daemon.waitFor(isListening, 20_000);
  return Object.assign(daemon, { port: Number(line.port) });
}

/** Writes a `--config` file for `roleArns`, every role on a port of its own (0: any free one). */
export function writeRolesConfig(workspace: Workspace, roleArns: readonly string[]): string {
  const path = join(workspace.folder('config'), 'imdsd.json');
  writeFileSync(path, JSON.stringify({ roles: roleArns.map((roleArn) => ({ roleArn, port: 0 })) }));
  return path;
}
