import Fastify from 'fastify';
import t from 'tap';
import { NO_SCHEMA_COMPILERS } from '../../src/daemon/no-schemas.js';

t.test('issue 15: a fastify built with it serves plain routes and refuses schemas', async (t) => {
  const app = Fastify({ schemaController: NO_SCHEMA_COMPILERS });
  t.teardown(() => app.close());
  app.get('/plain', async () => ({ ok: true }));
  app.get('/typed', { schema: { querystring: { type: 'object' } } }, async () => 'never');
  await t.rejects(async () => { await app.ready(); }, /declare no schemas/, 'a schema fails at start-up, not at run time');
});

t.test('plain routes still answer JSON', async (t) => {
  const app = Fastify({ schemaController: NO_SCHEMA_COMPILERS });
  t.teardown(() => app.close());
  app.get('/plain', async () => ({ ok: true }));
  const reply = await app.inject({ method: 'GET', url: '/plain' });
  t.same(reply.json(), { ok: true }, 'serialised with JSON.stringify');
});
