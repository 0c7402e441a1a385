/**
 * Sends an Answer: every status, header and body an IMDS client sees is written here, in
 * one order (content-type, content-length, allow, the token TTL), so every route, guard
 * and the error path answer alike.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { ImdsLog } from './log.js';
import type { Answer } from './answers.js';

export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

export interface ReplyDeps {
  readonly log: ImdsLog;
  /** Told of every answer sent, with the request target as the client sent it (request metrics). */
  readonly onAnswer?: ((url: string, status: number) => void) | undefined;
}

export type SendAnswer = (request: IncomingMessage, response: ServerResponse, answer: Answer) => void;

function headersOf(answer: Answer): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': answer.contentType, 'content-length': Buffer.byteLength(answer.body) };
  if (answer.allow !== undefined) headers.allow = answer.allow;
  if (answer.tokenTtlSec !== undefined) headers[TTL_HEADER] = answer.tokenTtlSec;
  return headers;
}

export function createSendAnswer({ log, onAnswer }: ReplyDeps): SendAnswer {
  return (request, response, answer) => {
    // Checked first: building the log object for every request costs even when unlogged.
    if (log.level === 'debug' || log.level === 'trace') log.debug({ method: request.method, status: answer.status }, 'imds request');
    // node:http sends no body to a HEAD request by itself.
    response.writeHead(answer.status, headersOf(answer)).end(answer.body);
    onAnswer?.(request.url ?? '', answer.status);
  };
}
