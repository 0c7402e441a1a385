/**
 * `imdsd refresh [--role NAME] [--json]`: forces a refresh now in the running daemon
 * and reports each role's outcome. Exit 0 when all succeeded, 1 otherwise, 3 when no
 * daemon runs.
 */
import { EXIT } from '../../contract/exit-codes.js';
import { CONTROL_ROUTES, isRefreshReply } from '../../contract/control-api.js';
import { askDaemon } from '../control-client.js';
import { parseCommand } from '../parse-command.js';
import { describeRefresh, socketFor, type CommandContext } from './context.js';

export async function refreshCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommand('refresh', argv);
  const query = values.role === undefined ? '' : `?role=${encodeURIComponent(values.role)}`;
  const { results } = await askDaemon(socketFor(ctx, values['control-socket']), 'POST', `${CONTROL_ROUTES.refresh}${query}`,
    isRefreshReply, 'imdsd refresh');
  if (values.json === true) ctx.out(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const result of results) ctx.out(describeRefresh(result));
  }
  return results.every((result) => result.ok) ? EXIT.OK : EXIT.FAILURE;
}
