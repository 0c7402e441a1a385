/**
 * The one way a command talks to the running daemon: a request over the control socket
 * (undici over a Unix socket) whose reply is either a value that passed its contract
 * guard or a coded error. No socket, or nobody behind it, is IMDSD_ERR_DAEMON_NOT_RUNNING
 * (exit 3) with the way to start it; an error document or an unreadable reply is
 * IMDSD_ERR_DAEMON_REPLY (exit 1) carrying the daemon's own code and fix.
 */
import { Agent, request } from 'undici';
import { ImdsdError } from '../errors.js';

interface ControlReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** A reply the daemon sent as an error document: its code, message and fix, printed as they are. */
export class DaemonReplyError extends ImdsdError {
  /** The daemon's code (`IMDSD_ERR_UNKNOWN_ROLE`), or `HTTP_<status>` when the body names none. */
  readonly replyCode: string;

  constructor(replyCode: string, message: string, hint: string | undefined) {
    super('IMDSD_ERR_DAEMON_REPLY', `${replyCode}: ${message}`, { hint });
    this.replyCode = replyCode;
  }
}

const NOT_RUNNING = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'ECONNRESET']);
/** Status and refresh answer at once; a forced refresh may take one STS deadline. */
const CONTROL_TIMEOUT_MS = 15_000;

function parsedBody(text: string, contentType: unknown): unknown {
  if (!String(contentType ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function notRunning(socketPath: string, cause: unknown): unknown {
  const code = (cause as NodeJS.ErrnoException).code ?? '';
  if (NOT_RUNNING.has(code)) {
    return new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING', `imdsd is not running (no daemon at ${socketPath})`,
      { hint: 'start it with `imdsd run …` or `imdsd install …`, or pass --control-socket', cause });
  }
  if (code === 'EACCES') {
    return new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING', `the control socket ${socketPath} belongs to another user`,
      { hint: 'run this as the user that runs the daemon', cause });
  }
  return cause;
}

async function send(socketPath: string, method: 'GET' | 'POST', path: string): Promise<ControlReply> {
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    const res = await request(`http://imdsd${path}`, {
      method, dispatcher, headersTimeout: CONTROL_TIMEOUT_MS, bodyTimeout: CONTROL_TIMEOUT_MS,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: parsedBody(text, res.headers['content-type']), text };
  } catch (cause) {
    throw notRunning(socketPath, cause);
  } finally {
    await dispatcher.close();
  }
}

function replyError(reply: ControlReply): DaemonReplyError {
  const body = reply.body as { Code?: unknown; Message?: unknown; Hint?: unknown } | undefined;
  return new DaemonReplyError(
    typeof body?.Code === 'string' ? body.Code : `HTTP_${reply.status}`,
    typeof body?.Message === 'string' ? body.Message : reply.text.slice(0, 200),
    typeof body?.Hint === 'string' ? body.Hint : undefined,
  );
}

/**
 * Sends one control request and returns its reply once `guard` accepts it.
 * @param what names the request in the message about an unreadable reply (`imdsd status`).
 */
export async function askDaemon<T>(
  socketPath: string, method: 'GET' | 'POST', path: string, guard: (body: unknown) => body is T, what: string,
): Promise<T> {
  const reply = await send(socketPath, method, path);
  if (reply.status >= 400) throw replyError(reply);
  if (!guard(reply.body)) {
    throw new ImdsdError('IMDSD_ERR_DAEMON_REPLY', `${what}: the daemon at ${socketPath} answered a reply this version cannot read`,
      { hint: 'restart the daemon so that it runs the same version as this command' });
  }
  return reply.body;
}
