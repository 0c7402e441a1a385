/**
 * `imdsd mfa CODE [--role NAME]`: sends a code from the user's MFA device to the running
 * daemon, which starts the role's MFA session with it and refreshes at once. Exit 0 when
 * the role then holds a credential, 1 when the code or the refresh failed, 3 when no
 * daemon runs. The code goes over the owner-only control socket, never a TCP port.
 */
import { callControl, replyError } from '../control/control-client.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, describeRefresh, parseCommandArgs, reportFailure, reportReplyError, socketFor, type CommandContext,
  type RefreshOutcome } from './context.js';

const OPTIONS = { ...CONTROL_SOCKET_OPTION, role: { type: 'string' } } as const;

interface MfaReply extends RefreshOutcome {
  readonly mfaSessionExpiresAt: string;
}

export async function mfaCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs('mfa', argv, OPTIONS);
  const [code] = positionals;
  if (code === undefined || positionals.length > 1) {
    ctx.err('imdsd: usage: imdsd mfa CODE [--role NAME] (CODE: the six digits your MFA device shows)\n');
    return 78;
  }
  const query = new URLSearchParams({ code, ...(values.role === undefined ? {} : { role: values.role }) });
  try {
    const reply = await callControl(socketFor(ctx, values['control-socket']), 'POST', `/v1/mfa?${query.toString()}`);
    const error = replyError(reply);
    if (error !== undefined) return reportReplyError(ctx, error);
    const result = reply.body as MfaReply;
    ctx.out(`${result.roleName}: MFA session until ${result.mfaSessionExpiresAt}\n`);
    ctx.out(describeRefresh(result));
    return result.ok ? CLIENT_EXIT.OK : CLIENT_EXIT.PROBLEM;
  } catch (error) {
    return reportFailure(ctx, error);
  }
}
