/**
 * `imdsd status [--json] [--watch] [--role NAME]`: the running daemon's roles.
 * Exit 0 when every role holds a servable credential, 1 when one does not, 3 when no
 * daemon runs (as `systemctl status` does).
 */
import { callControl, replyError } from '../control-client.js';
import { CONTROL_ROUTES, isDaemonStatus, unhealthyReasons, type DaemonStatus } from '../../contract/control-api.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, parseCommandArgs, reportFailure, socketFor, unreadableReply, type CommandContext } from './context.js';
import { formatStatus } from './status-format.js';

/** Every option this command accepts; its --help names each (command-help.ts). */
export const OPTIONS = {
  ...CONTROL_SOCKET_OPTION,
  json: { type: 'boolean' },
  watch: { type: 'boolean' },
  interval: { type: 'string' },
  role: { type: 'string' },
} as const;

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

async function fetchStatus(socket: string, role: string | undefined): Promise<DaemonStatus> {
  const reply = await callControl(socket, 'GET', CONTROL_ROUTES.status);
  const error = replyError(reply);
  if (error !== undefined) throw new Error(`${error.code}: ${error.message}`);
  if (!isDaemonStatus(reply.body)) throw unreadableReply('status');
  const status = reply.body;
  return role === undefined ? status : { ...status, roles: status.roles.filter((r) => r.roleName === role) };
}

export async function statusCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('status', argv, OPTIONS);
  const socket = socketFor(ctx, values['control-socket']);
  const intervalMs = Math.max(200, Number(values.interval ?? '2') * 1000 || 2000);
  let interrupted = false;
  void ctx.interrupted.then(() => {
    interrupted = true;
  });
  for (;;) {
    let status: DaemonStatus;
    try {
      status = await fetchStatus(socket, values.role);
    } catch (error) {
      return reportFailure(ctx, error);
    }
    if (values.json === true) ctx.out(`${JSON.stringify(status, null, 2)}\n`);
    else ctx.out(`${values.watch === true ? CLEAR_SCREEN : ''}${formatStatus(status, ctx.now())}`);
    if (values.watch !== true || interrupted) {
      return unhealthyReasons(status.roles).length === 0 && status.roles.length > 0 ? CLIENT_EXIT.OK : CLIENT_EXIT.PROBLEM;
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs)), ctx.interrupted]);
    if (interrupted) return CLIENT_EXIT.OK;
  }
}
