/**
 * `imdsd mfa CODE [--role NAME]`: sends a code from the user's MFA device to the running
 * daemon, which starts the role's MFA session with it and refreshes at once. Exit 0 when
 * the role then holds a credential, 1 when the code or the refresh failed, 3 when no
 * daemon runs. The code goes over the owner-only control socket, never a TCP port.
 */
import { EXIT } from '../../contract/exit-codes.js';
import { CONTROL_ROUTES, isMfaReply } from '../../contract/control-api.js';
import { askDaemon } from '../control-client.js';
import { parseCommand } from '../parse-command.js';
import { describeRefresh, socketFor, type CommandContext } from './context.js';

export async function mfaCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values, positionals: [code = ''] } = parseCommand('mfa', argv);
  const query = new URLSearchParams({ code, ...(values.role === undefined ? {} : { role: values.role }) });
  const result = await askDaemon(socketFor(ctx, values['control-socket']), 'POST', `${CONTROL_ROUTES.mfa}?${query.toString()}`,
    isMfaReply, 'imdsd mfa');
  ctx.out(`${result.roleName}: MFA session until ${result.mfaSessionExpiresAt}\n`);
  ctx.out(describeRefresh(result));
  return result.ok ? EXIT.OK : EXIT.FAILURE;
}
