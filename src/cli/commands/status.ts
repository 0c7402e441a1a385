/**
 * `imdsd status [--json] [--watch] [--role NAME]`: the running daemon's roles.
 * Exit 0 when every role holds a servable credential, 1 when one does not, 3 when no
 * daemon runs (as `systemctl status` does).
 */
import { EXIT } from '../../contract/exit-codes.js';
import { CONTROL_ROUTES, isDaemonStatus, unhealthyReasons, type DaemonStatus } from '../../contract/control-api.js';
import { askDaemon } from '../control-client.js';
import { parseCommand } from '../parse-command.js';
import { socketFor, type CommandContext } from './context.js';
import { formatStatus } from './status-format.js';

const CLEAR_SCREEN = '\u001b[H\u001b[2J';

async function fetchStatus(socket: string, role: string | undefined): Promise<DaemonStatus> {
  const status = await askDaemon(socket, 'GET', CONTROL_ROUTES.status, isDaemonStatus, 'imdsd status');
  return role === undefined ? status : { ...status, roles: status.roles.filter((r) => r.roleName === role) };
}

export async function statusCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommand('status', argv);
  const socket = socketFor(ctx, values['control-socket']);
  const intervalMs = Math.max(200, Number(values.interval ?? '2') * 1000 || 2000);
  let interrupted = false;
  void ctx.interrupted.then(() => {
    interrupted = true;
  });
  for (;;) {
    const status = await fetchStatus(socket, values.role);
    if (values.json === true) ctx.out(`${JSON.stringify(status, null, 2)}\n`);
    else ctx.out(`${values.watch === true ? CLEAR_SCREEN : ''}${formatStatus(status, ctx.now())}`);
    if (values.watch !== true || interrupted) {
      return unhealthyReasons(status.roles).length === 0 && status.roles.length > 0 ? EXIT.OK : EXIT.FAILURE;
    }
    await Promise.race([new Promise((resolve) => setTimeout(resolve, intervalMs)), ctx.interrupted]);
    if (interrupted) return EXIT.OK;
  }
}
