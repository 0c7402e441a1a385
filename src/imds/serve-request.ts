/**
 * Serves one IMDS request on node:http's own request and response: the peer gate, then
 * dispatch, then the answer written with one writeHead. Every request of an IMDS port
 * ends here, whether node:http hands it over directly (app.ts's serverFactory) or
 * through fastify's router (a listener that routes via `app.routing`), so both answer
 * alike. fastify's router, request and reply objects were about half the CPU of a
 * credential GET (the --cpu-prof in bench/PERFORMANCE.md before issue 15, which asks for
 * ≥ 0.85 × a bare node:http server); going around them leaves node:http's own work.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import { type Answer, FORBIDDEN, INTERNAL_ERROR, NOT_FOUND, PEER_UNKNOWN } from './answers.js';
import type { Dispatch } from './dispatch.js';
import { hasBadEscape } from './normalise-path.js';
import type { PeerGate, PeerVerdict } from './peer-gate.js';

export const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';

export interface RequestHandlerDeps {
  readonly dispatch: Dispatch;
  readonly gate: PeerGate;
  readonly log: FastifyBaseLogger;
  /** Told of every answer sent (request metrics). */
  readonly onAnswer?: ((url: string, status: number) => void) | undefined;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export function createRequestHandler({ dispatch, gate, log, onAnswer }: RequestHandlerDeps): RequestHandler {
  function send(request: IncomingMessage, response: ServerResponse, answer: Answer): void {
    if (response.headersSent) return;
    const headers = ['content-type', answer.contentType, 'content-length', String(Buffer.byteLength(answer.body))];
    if (answer.allow !== undefined) headers.push('allow', answer.allow);
    if (answer.tokenTtlSec !== undefined) headers.push(TTL_HEADER, String(answer.tokenTtlSec));
    // Checked first: building the log object for every request costs even when unlogged.
    if (log.level === 'debug' || log.level === 'trace') log.debug({ method: request.method, status: answer.status }, 'imds request');
    response.writeHead(answer.status, headers);
    // node:http sends no body to a HEAD request by itself.
    response.end(answer.body);
    onAnswer?.(request.url ?? '', answer.status);
  }

  // A bug, or a source that breaks its promise never to reject, must still get an answer
  // and must not crash the daemon. The answer names no detail, so it can leak nothing.
  function fail(request: IncomingMessage, response: ServerResponse, error: unknown): void {
    log.error({ err: error }, 'IMDS request failed unexpectedly');
    send(request, response, INTERNAL_ERROR);
  }

  function respond(request: IncomingMessage, response: ServerResponse, verdict: PeerVerdict | undefined): void {
    const answer = dispatch(request.method ?? '', request.url ?? '', request.headers);
    if (answer instanceof Promise) {
      answer.then((computed) => {
        gate.handedOut(computed, request.socket, verdict);
        send(request, response, computed);
      }).catch((error: unknown) => fail(request, response, error));
      return;
    }
    send(request, response, answer);
  }

  function admitted(request: IncomingMessage, response: ServerResponse, verdict: PeerVerdict): void {
    if (verdict.admitted) respond(request, response, verdict);
    else send(request, response, verdict.code === undefined ? FORBIDDEN : PEER_UNKNOWN);
  }

  return (request, response) => {
    try {
      if (hasBadEscape(request.url ?? '')) return send(request, response, NOT_FOUND);
      // Every request after a connection's first finds its verdict already settled.
      const settled = gate.settled(request.socket);
      if (settled !== undefined) return admitted(request, response, settled);
      const pending = gate.verdict(request.socket);
      if (pending === undefined) return respond(request, response, undefined);
      pending.then((verdict) => admitted(request, response, verdict)).catch((error: unknown) => fail(request, response, error));
    } catch (error) {
      fail(request, response, error);
    }
  };
}
