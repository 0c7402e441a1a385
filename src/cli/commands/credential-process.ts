/**
 * `imdsd credential-process --role NAME`: prints the credential_process document
 * (Version 1) from the running daemon, so tools that only read profiles get the same
 * fresh credential via `credential_process = imdsd credential-process --role NAME`.
 * Nothing but that JSON goes to stdout; failures go to stderr with a non-zero exit.
 */
import { CONTROL_ROUTES, isDaemonStatus } from '../../contract/control-api.js';
import { callControl, replyError } from '../control-client.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, parseCommandArgs, reportFailure, reportReplyError, socketFor, type CommandContext } from './context.js';

/** Every option this command accepts; its --help names each (command-help.ts). */
export const OPTIONS = { ...CONTROL_SOCKET_OPTION, role: { type: 'string' } } as const;

export async function credentialProcessCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommandArgs('credential-process', argv, OPTIONS);
  try {
    const socket = socketFor(ctx, values['control-socket']);
    let role = values.role;
    if (role === undefined) {
      const status = await callControl(socket, 'GET', CONTROL_ROUTES.status);
      const roles = isDaemonStatus(status.body) ? status.body.roles : [];
      if (roles.length !== 1) {
        ctx.err(`imdsd: --role is required: the daemon serves ${roles.map((r) => r.roleName).join(', ') || 'no roles'}\n`);
        return CLIENT_EXIT.PROBLEM;
      }
      role = roles[0]?.roleName;
    }
    const reply = await callControl(socket, 'GET', `${CONTROL_ROUTES.credentials}${encodeURIComponent(role ?? '')}`);
    const error = replyError(reply);
    if (error !== undefined) return reportReplyError(ctx, error);
    ctx.out(`${reply.text}\n`);
    return CLIENT_EXIT.OK;
  } catch (error) {
    return reportFailure(ctx, error);
  }
}
