/**
 * `imdsd mfa CODE [--role NAME]`: sends a code from the user's MFA device to the running
 * daemon, which starts the role's MFA session with it and refreshes at once. Exit 0 when
 * the role then holds a credential, 1 when the code or the refresh failed, 3 when no
 * daemon runs. The code goes over the owner-only control socket, never a TCP port.
 */
import { callControl, replyError } from '../control-client.js';
import { CONTROL_ROUTES, isMfaReply } from '../../contract/control-api.js';
import { EXIT } from '../../contract/exit-codes.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, describeRefresh, parseCommandArgs, reportFailure, reportReplyError, socketFor, unreadableReply,
  type CommandContext } from './context.js';

/** Every option this command accepts; its --help names each (command-help.ts). */
export const OPTIONS = { ...CONTROL_SOCKET_OPTION, role: { type: 'string' } } as const;

export async function mfaCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('mfa', argv, OPTIONS);
  const [code] = positionals;
  if (code === undefined || positionals.length > 1) {
    ctx.err('imdsd: usage: imdsd mfa CODE [--role NAME] (CODE: the six digits your MFA device shows)\n');
    return EXIT.CONFIG;
  }
  const query = new URLSearchParams({ code, ...(values.role === undefined ? {} : { role: values.role }) });
  try {
    const reply = await callControl(socketFor(ctx, values['control-socket']), 'POST', `${CONTROL_ROUTES.mfa}?${query.toString()}`);
    const error = replyError(reply);
    if (error !== undefined) return reportReplyError(ctx, error);
    const result = reply.body;
    if (!isMfaReply(result)) throw unreadableReply('mfa');
    ctx.out(`${result.roleName}: MFA session until ${result.mfaSessionExpiresAt}\n`);
    ctx.out(describeRefresh(result));
    return result.ok ? CLIENT_EXIT.OK : CLIENT_EXIT.PROBLEM;
  } catch (error) {
    return reportFailure(ctx, error);
  }
}
