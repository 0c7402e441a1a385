/**
 * HTTP/1.1 over a bare TCP socket, for requests no HTTP client would send: invalid
 * methods, raw CR/LF, pipelined and split requests. Writes the bytes given and parses
 * whatever comes back, in order, so each answer can be matched with its request.
 */
import { connect } from 'node:net';

export interface RawResponse {
  readonly status: number;
  /** Status line and headers as received (latin1). */
  readonly head: string;
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export interface RawExchange {
  readonly responses: RawResponse[];
  /** The server closed (or reset) the connection before we stopped reading. */
  readonly closedByServer: boolean;
  readonly timedOut: boolean;
  /** Bytes after the last whole answer (e.g. a 400 body written after a HEAD answer). */
  readonly leftover: Buffer;
  /** Milliseconds from connect to the end of the exchange. */
  readonly elapsedMs: number;
}

export interface ExchangeOptions {
  readonly port: number;
  readonly host?: string;
  /** Written in order, one event-loop turn apart, so requests arrive split as given. */
  readonly chunks: readonly Buffer[];
  /** For each request sent, whether it was HEAD (its answer carries no body). */
  readonly heads: readonly boolean[];
  /** Stop reading once this many answers have arrived. */
  readonly expected: number;
  readonly timeoutMs: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');

interface Parsed {
  readonly responses: RawResponse[];
  readonly consumed: number;
}

function parseHead(head: string): { status: number; headers: Map<string, string> } | undefined {
  const [statusLine = '', ...lines] = head.split('\r\n');
  const match = /^HTTP\/\d\.\d (\d{3})/.exec(statusLine);
  if (match === null) return undefined;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: Number(match[1]), headers };
}

/** The length of a complete chunked body starting at `start`, or undefined if incomplete. */
function chunkedLength(buf: Buffer, start: number): number | undefined {
  let at = start;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd === -1) return undefined;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (!Number.isFinite(size)) return undefined;
    at = lineEnd + 2;
    if (size === 0) {
      const end = buf.indexOf(HEAD_END, at - 2);
      return end === -1 ? undefined : end + 4 - start;
    }
    at += size + 2;
    if (at > buf.length) return undefined;
  }
}

function decodeChunked(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    const size = parseInt(raw.toString('latin1', at, lineEnd), 16);
    if (lineEnd === -1 || !(size > 0)) return Buffer.concat(parts);
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

/** Parses every whole answer in `buf`; at the end of the stream a body may run to its end. */
export function parseResponses(buf: Buffer, heads: readonly boolean[], final: boolean): Parsed {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf(HEAD_END, at);
    if (end === -1) break;
    const head = buf.toString('latin1', at, end);
    const parsed = parseHead(head);
    if (parsed === undefined) break;
    const bodyStart = end + 4;
    const { status, headers } = parsed;
    if (status >= 100 && status < 200) {
      at = bodyStart;
      continue;
    }
    const isHead = heads[responses.length] ?? false;
    let body: Buffer;
    if (isHead || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (headers.get('transfer-encoding')?.toLowerCase() === 'chunked') {
      const length = chunkedLength(buf, bodyStart);
      if (length === undefined) break;
      body = decodeChunked(buf.subarray(bodyStart, bodyStart + length));
      at = bodyStart + length;
      responses.push({ status, head, headers, body });
      continue;
    } else if (headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      if (bodyStart + length > buf.length) break;
      body = buf.subarray(bodyStart, bodyStart + length);
    } else if (final) {
      body = buf.subarray(bodyStart);
    } else {
      break;
    }
    responses.push({ status, head, headers, body });
    at = bodyStart + body.length;
  }
  return { responses, consumed: at };
}

/** Sends the bytes and collects the answers until `expected` arrive, the server closes, or the timeout. */
export function rawExchange(options: ExchangeOptions): Promise<RawExchange> {
  const startedMs = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ port: options.port, host: options.host ?? '127.0.0.1' });
    const received: Buffer[] = [];
    let done = false;
    let closedByServer = false;

    const finish = (timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const all = Buffer.concat(received);
      const { responses, consumed } = parseResponses(all, options.heads, closedByServer);
      resolve({ responses, closedByServer, timedOut, leftover: all.subarray(consumed), elapsedMs: Date.now() - startedMs });
    };
    const timer = setTimeout(() => finish(true), options.timeoutMs);

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (parseResponses(Buffer.concat(received), options.heads, false).responses.length >= options.expected) finish(false);
    });
    socket.on('error', () => {
      closedByServer = true;
    });
    socket.on('close', () => {
      closedByServer = true;
      finish(false);
    });
    socket.on('connect', () => {
      const write = (index: number): void => {
        const chunk = options.chunks[index];
        if (chunk === undefined || done || socket.destroyed) return;
        socket.write(chunk, () => setImmediate(() => write(index + 1)));
      };
      write(0);
    });
  });
}
