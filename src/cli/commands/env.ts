/**
 * `imdsd env [--role NAME] [--shell bash|zsh|fish|powershell] [--ecs] [--port N]`: the
 * exports a shell needs to reach the daemon (the IMDS endpoint, or with --ecs the
 * container-credentials pair), plus NO_PROXY/no_proxy extended with the loopback names,
 * because botocore sends IMDS calls through HTTP(S)_PROXY otherwise.
 * Meant for `eval "$(imdsd env)"` in a shell profile.
 */
import { readFile } from 'node:fs/promises';
import { EXIT } from '../../contract/exit-codes.js';
import { ImdsdError } from '../../errors.js';
import { LOOPBACK_NAMES } from '../../loopback.js';
import { SHELLS, quoteFor, type Shell } from '../shell-quote.js';
import { askDaemon } from '../control-client.js';
import { parseCommand } from '../parse-command.js';
import { containerTokenPath, DEFAULT_IMDS_PORT } from '../../contract/paths.js';
import { LINK_LOCAL_IPV4, LINK_LOCAL_IPV6, LINK_LOCAL_URL } from '../../contract/link-local.js';
import { CONTROL_ROUTES, containerCredentialsPath, isDaemonStatus, type DaemonStatus } from '../../contract/control-api.js';
import { socketFor, type CommandContext } from './context.js';

/** `[::1]` too: botocore matches NO_PROXY against the URL's bracketed host. */
const NO_PROXY_NAMES = [...LOOPBACK_NAMES, '[::1]'];
const LINK_LOCAL_NO_PROXY = [LINK_LOCAL_IPV4, LINK_LOCAL_IPV6, `[${LINK_LOCAL_IPV6}]`];

function assignment(shell: Shell, name: string, value: string): string {
  if (shell === 'fish') return `set -gx ${name} ${quoteFor(shell, value)};`;
  if (shell === 'powershell') return `$env:${name} = ${quoteFor(shell, value)}`;
  return `export ${name}=${quoteFor(shell, value)}`;
}

/** NO_PROXY with the loopback names (and `extra`) added once, keeping what the user had. */
export function extendNoProxy(current: string | undefined, extra: readonly string[] = []): string {
  const entries = (current ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const name of [...NO_PROXY_NAMES, ...extra]) if (!entries.includes(name)) entries.push(name);
  return entries.join(',');
}

/**
 * Link-local mode (issue 14): SDKs call http://169.254.169.254/ by themselves, so the
 * endpoint variable is removed rather than set (a leftover one would win), and only the
 * proxy bypass is needed: botocore sends IMDS calls through HTTP(S)_PROXY otherwise.
 */
function unset(shell: Shell, name: string): string {
  if (shell === 'fish') return `set -e ${name};`;
  if (shell === 'powershell') return `Remove-Item Env:${name} -ErrorAction SilentlyContinue`;
  return `unset ${name}`;
}

function detectShell(env: NodeJS.ProcessEnv): Shell {
  const name = (env.SHELL ?? '').split('/').pop() ?? '';
  return (SHELLS as readonly string[]).includes(name) ? (name as Shell) : 'bash';
}

interface Target {
  readonly port: number;
  readonly roleName: string | undefined;
  readonly tokenFile: string;
  readonly linkLocal?: boolean | undefined;
}

function parsePort(explicit: string): number {
  const port = Number(explicit);
  if (!/^\d+$/.test(explicit) || port < 1 || port > 65535) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd env: --port ${explicit} is not a port`, { hint: 'use 1-65535' });
  }
  return port;
}

/** The role's port and name from the running daemon, or the defaults when it is not running. */
async function targetOf(ctx: CommandContext, socket: string, role: string | undefined, explicitPort: string | undefined): Promise<Target> {
  const fallback = { port: explicitPort === undefined ? DEFAULT_IMDS_PORT : parsePort(explicitPort), roleName: role, tokenFile: containerTokenPath(socket) };
  let status: DaemonStatus;
  try {
    status = await askDaemon(socket, 'GET', CONTROL_ROUTES.status, isDaemonStatus, 'imdsd env');
  } catch (error) {
    if (error instanceof ImdsdError && error.code === 'IMDSD_ERR_DAEMON_NOT_RUNNING') {
      if (explicitPort === undefined) ctx.err(`# imdsd is not running; assuming port ${DEFAULT_IMDS_PORT}\n`);
      return fallback;
    }
    throw error;
  }
  const chosen = (role === undefined ? status.roles : status.roles.filter((r) => r.roleName === role))[0];
  if (chosen?.port === undefined) {
    throw new ImdsdError('IMDSD_ERR_UNKNOWN_ROLE', `imdsd env: no role${role === undefined ? '' : ` named ${role}`} is being served`,
      { hint: `served: ${status.roles.map((r) => r.roleName).join(', ') || 'none'}` });
  }
  return {
    port: explicitPort === undefined ? chosen.port : parsePort(explicitPort), roleName: chosen.roleName, tokenFile: status.containerTokenFile,
    linkLocal: explicitPort === undefined && chosen.linkLocal === true,
  };
}

/** The container-credentials pair (issue 7), and the token itself for older botocore. */
async function ecsLines(shell: Shell, target: Target): Promise<string[]> {
  if (target.roleName === undefined) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd env --ecs: --role is required while the daemon is not running',
      { hint: 'pass --role NAME' });
  }
  // 127.0.0.1, not localhost: the one host every SDK accepts for this variable over http.
  const lines = [
    assignment(shell, 'AWS_CONTAINER_CREDENTIALS_FULL_URI', `http://127.0.0.1:${target.port}${containerCredentialsPath(target.roleName)}`),
    assignment(shell, 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', target.tokenFile),
  ];
  // botocore < 1.32 and the AWS CLI builds on it read only the variable; the token
  // survives daemon restarts (container-token.ts), so a copy in the shell stays valid.
  const token = await readFile(target.tokenFile, 'utf8').catch(() => undefined);
  if (token !== undefined) lines.push(assignment(shell, 'AWS_CONTAINER_AUTHORIZATION_TOKEN', token));
  return lines;
}

export async function envCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommand('env', argv);
  if (values.shell !== undefined && !(SHELLS as readonly string[]).includes(values.shell)) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd env: --shell must be one of ${SHELLS.join(', ')}`, { hint: `--shell ${SHELLS.join('|')}` });
  }
  const shell = (values.shell as Shell | undefined) ?? detectShell(ctx.env);
  const target = await targetOf(ctx, socketFor(ctx, values['control-socket']), values.role, values.port);
  const linkLocal = target.linkLocal === true && values.ecs !== true;
  const noProxy = extendNoProxy(ctx.env.NO_PROXY ?? ctx.env.no_proxy, linkLocal ? LINK_LOCAL_NO_PROXY : []);
  const lines = values.ecs === true
    ? await ecsLines(shell, target)
    : linkLocal
      ? [`# link-local mode: SDKs find ${LINK_LOCAL_URL} (role ${String(target.roleName)}) with no endpoint variable`, unset(shell, 'AWS_EC2_METADATA_SERVICE_ENDPOINT')]
      : [assignment(shell, 'AWS_EC2_METADATA_SERVICE_ENDPOINT', `http://localhost:${target.port}/`)];
  lines.push(assignment(shell, 'NO_PROXY', noProxy), assignment(shell, 'no_proxy', noProxy));
  ctx.out(`${lines.join('\n')}\n`);
  return EXIT.OK;
}
