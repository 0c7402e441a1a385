/**
 * Talks to a running daemon over its control socket (undici over a Unix socket).
 * No socket, or nobody behind it, is reported as "not running" with the way to start it.
 */
import { Agent, request } from 'undici';
import { ImdsdError } from '../errors.js';

export interface ControlReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

const NOT_RUNNING = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK', 'ECONNRESET']);
/** Status and refresh answer at once; a forced refresh may take one STS deadline. */
const CONTROL_TIMEOUT_MS = 15_000;

export async function callControl(socketPath: string, method: 'GET' | 'POST', path: string): Promise<ControlReply> {
  const dispatcher = new Agent({ connect: { socketPath } });
  try {
    const res = await request(`http://imdsd${path}`, {
      method, dispatcher, headersTimeout: CONTROL_TIMEOUT_MS, bodyTimeout: CONTROL_TIMEOUT_MS,
    });
    const text = await res.body.text();
    let body: unknown = text;
    if (String(res.headers['content-type'] ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: res.statusCode, body, text };
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? '';
    if (NOT_RUNNING.has(code)) {
      throw new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING', `imdsd is not running (no daemon at ${socketPath})`,
        { hint: 'start it with `imdsd run …` or `imdsd install …`, or pass --control-socket', cause });
    }
    if (code === 'EACCES') {
      throw new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING', `the control socket ${socketPath} belongs to another user`,
        { hint: 'run this as the user that runs the daemon', cause });
    }
    throw cause;
  } finally {
    await dispatcher.close();
  }
}

/** A control reply that is an error document becomes an ImdsdError-like message. */
export function replyError(reply: ControlReply): { code: string; message: string; hint?: string } | undefined {
  if (reply.status < 400) return undefined;
  const body = reply.body as { Code?: unknown; Message?: unknown; Hint?: unknown } | undefined;
  return {
    code: typeof body?.Code === 'string' ? body.Code : `HTTP_${reply.status}`,
    message: typeof body?.Message === 'string' ? body.Message : reply.text.slice(0, 200),
    ...(typeof body?.Hint === 'string' ? { hint: body.Hint } : {}),
  };
}
