/**
 * Sends an Answer as a fastify reply: every status, header and body an IMDS client sees
 * is written here, in one order (content-type, content-length, allow, the token TTL), so
 * every route, hook and error handler answers alike.
 */
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Answer } from './answers.js';

export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

export interface ReplyDeps {
  readonly log: FastifyBaseLogger;
  /** Told of every answer sent, with the request target as the client sent it (request metrics). */
  readonly onAnswer?: ((url: string, status: number) => void) | undefined;
}

export type SendAnswer = (request: FastifyRequest, reply: FastifyReply, answer: Answer) => FastifyReply;

export function createSendAnswer({ log, onAnswer }: ReplyDeps): SendAnswer {
  return (request, reply, answer) => {
    reply.code(answer.status)
      .header('content-type', answer.contentType)
      .header('content-length', Buffer.byteLength(answer.body));
    if (answer.allow !== undefined) reply.header('allow', answer.allow);
    if (answer.tokenTtlSec !== undefined) reply.header(TTL_HEADER, answer.tokenTtlSec);
    // Checked first: building the log object for every request costs even when unlogged.
    if (log.level === 'debug' || log.level === 'trace') log.debug({ method: request.method, status: answer.status }, 'imds request');
    // node:http sends no body to a HEAD request by itself.
    reply.send(answer.body);
    onAnswer?.(request.originalUrl, answer.status);
    return reply;
  };
}
