/**
 * `imdsd refresh [--role NAME] [--json]`: forces a refresh now in the running daemon
 * and reports each role's outcome. Exit 0 when all succeeded, 1 otherwise, 3 when no
 * daemon runs.
 */
import { callControl, replyError } from '../control-client.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, describeRefresh, parseCommandArgs, reportFailure, socketFor, type CommandContext, unreadableReply } from './context.js';
import { CONTROL_ROUTES, isRefreshReply } from '../../contract/control-api.js';

/** Every option this command accepts; its --help names each (command-help.ts). */
export const OPTIONS = { ...CONTROL_SOCKET_OPTION, role: { type: 'string' }, json: { type: 'boolean' } } as const;


export async function refreshCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('refresh', argv, OPTIONS);
  const query = values.role === undefined ? '' : `?role=${encodeURIComponent(values.role)}`;
  try {
    const reply = await callControl(socketFor(ctx, values['control-socket']), 'POST', `${CONTROL_ROUTES.refresh}${query}`);
    const error = replyError(reply);
    if (error !== undefined) {
      ctx.err(`imdsd: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}\n`);
      return CLIENT_EXIT.PROBLEM;
    }
    if (!isRefreshReply(reply.body)) throw unreadableReply('refresh');
    const { results } = reply.body;
    if (values.json === true) ctx.out(`${JSON.stringify(results, null, 2)}\n`);
    else {
      for (const result of results) ctx.out(describeRefresh(result));
    }
    return results.every((result) => result.ok) ? CLIENT_EXIT.OK : CLIENT_EXIT.PROBLEM;
  } catch (error) {
    return reportFailure(ctx, error);
  }
}
