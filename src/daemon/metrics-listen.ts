/**
 * The optional `--metrics-port`: Prometheus scrapes over TCP, on loopback only, with
 * nothing but /metrics — no status, no credentials.
 */
import fastify from 'fastify';
import { NO_SCHEMA_COMPILERS } from '../imds/no-schemas.js';
import type { Metrics } from './metrics.js';

export async function listenMetrics(metrics: Metrics, port: number): Promise<{ port: number; close(): Promise<void> }> {
  const app = fastify({ logger: false, schemaController: NO_SCHEMA_COMPILERS });
  app.get('/metrics', async (_request, reply) => {
    const { contentType, text } = await metrics.render();
    reply.header('content-type', contentType);
    return text;
  });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : port, close: () => app.close() };
}
