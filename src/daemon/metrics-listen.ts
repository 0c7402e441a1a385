/**
 * The optional `--metrics-port`: Prometheus scrapes over TCP, on loopback only, with
 * nothing but /metrics — no status, no credentials. Role names, refresh results and
 * seconds to expiry are still the owner's business, so every connection passes the IMDS
 * ports' peer check (peer-identity.ts): the owner and `--metrics-allow-uid` users (a
 * Prometheus running as its own user) are served, anyone else gets 403.
 */
import fastify from 'fastify';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { AdmitPeer, PeerVerdict } from '../imds/peer-gate.js';
import { NO_SCHEMA_COMPILERS } from './no-schemas.js';
import type { Metrics } from './metrics.js';

export interface MetricsListenOptions {
  readonly port: number;
  /** Who may scrape; undefined admits every local peer (tests of the page itself). */
  readonly admitPeer?: AdmitPeer | undefined;
  readonly logger?: Logger | undefined;
}

/** One verdict per connection, refusals logged once. */
function gateOf(admitPeer: AdmitPeer, logger: Logger | undefined): (socket: Socket) => Promise<PeerVerdict> {
  const verdicts = new WeakMap<Socket, Promise<PeerVerdict>>();
  return (socket) => {
    let verdict = verdicts.get(socket);
    if (verdict === undefined) {
      verdict = admitPeer(socket).then((outcome) => {
        if (!outcome.admitted) logger?.warn({ event: 'peer-refused', listener: 'metrics', peer: outcome.peer, reason: outcome.reason, code: outcome.code }, 'refused a metrics connection');
        return outcome;
      });
      verdicts.set(socket, verdict);
    }
    return verdict;
  };
}

export async function listenMetrics(metrics: Metrics, options: MetricsListenOptions): Promise<{ port: number; close(): Promise<void> }> {
  const app = fastify({ logger: false, schemaController: NO_SCHEMA_COMPILERS });
  const { admitPeer } = options;
  if (admitPeer !== undefined) {
    const verdictOf = gateOf(admitPeer, options.logger);
    app.addHook('onRequest', async (request, reply) => {
      const verdict = await verdictOf(request.raw.socket);
      if (!verdict.admitted) await reply.code(403).type('text/plain').send('Forbidden');
    });
  }
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.render();
    reply.header('content-type', contentType);
    return text;
  });
  await app.listen({ host: '127.0.0.1', port: options.port });
  const address = app.server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : options.port, close: () => app.close() };
}
