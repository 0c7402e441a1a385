/**
 * `imdsd credential-process --role NAME`: prints the credential_process document
 * (Version 1) from the running daemon, so tools that only read profiles get the same
 * fresh credential via `credential_process = imdsd credential-process --role NAME`.
 * Nothing but that JSON goes to stdout; failures go to stderr with a non-zero exit.
 */
import { ImdsdError } from '../../errors.js';
import { EXIT } from '../../contract/exit-codes.js';
import { CONTROL_ROUTES, isCredentialProcessDocument, isDaemonStatus } from '../../contract/control-api.js';
import { askDaemon } from '../control-client.js';
import { parseCommand } from '../parse-command.js';
import { socketFor, type CommandContext } from './context.js';

/** The role named, or the daemon's only one. */
async function roleOf(socket: string, named: string | undefined): Promise<string> {
  if (named !== undefined) return named;
  const { roles } = await askDaemon(socket, 'GET', CONTROL_ROUTES.status, isDaemonStatus, 'imdsd credential-process');
  const [only] = roles;
  if (only === undefined || roles.length > 1) {
    throw new ImdsdError('IMDSD_ERR_UNKNOWN_ROLE', `--role is required: the daemon serves ${roles.map((r) => r.roleName).join(', ') || 'no roles'}`,
      { hint: 'pass --role NAME' });
  }
  return only.roleName;
}

export async function credentialProcessCommand(argv: string[], ctx: CommandContext): Promise<number> {
  const { values } = parseCommand('credential-process', argv);
  const socket = socketFor(ctx, values['control-socket']);
  const role = await roleOf(socket, values.role);
  const document = await askDaemon(socket, 'GET', `${CONTROL_ROUTES.credentials}${encodeURIComponent(role)}`,
    isCredentialProcessDocument, 'imdsd credential-process');
  ctx.out(`${JSON.stringify(document)}\n`);
  return EXIT.OK;
}
