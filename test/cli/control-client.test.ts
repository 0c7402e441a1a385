/**
 * The one control client (issue 20): a reply is a guarded value or a coded error, against
 * a real HTTP server on a Unix socket.
 */
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import t from 'tap';
import { askDaemon, DaemonReplyError } from '../../src/cli/control-client.js';
import { isRefreshReply } from '../../src/contract/control-api.js';
import { exitCodeOf } from '../../src/contract/exit-codes.js';
import { tempHome } from '../support/doctor-fakes.js';

t.test('a guarded value, or a coded error that says what went wrong', async (t) => {
  const dir = join(tempHome(), 'run');
  mkdirSync(dir);
  const socket = join(dir, 'control.sock');
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{"results":[]}' };
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const ask = (): Promise<unknown> => askDaemon(socket, 'POST', '/v1/refresh?role=dev', isRefreshReply, 'imdsd refresh');

  t.same(await ask(), { results: [] }, 'the reply, once the guard accepts it');
  t.same(seen, ['POST /v1/refresh?role=dev'], 'the method and path as given');

  answer = { status: 404, type: 'application/json', body: '{"Code":"IMDSD_ERR_UNKNOWN_ROLE","Message":"no role named dev is configured","Hint":"configured: prod"}' };
  const error = await ask().catch((caught: unknown) => caught);
  t.ok(error instanceof DaemonReplyError, 'an error document is a DaemonReplyError');
  t.match(error, { code: 'IMDSD_ERR_DAEMON_REPLY', replyCode: 'IMDSD_ERR_UNKNOWN_ROLE', message: 'IMDSD_ERR_UNKNOWN_ROLE: no role named dev is configured', hint: 'configured: prod' },
    'carrying the daemon\'s code, message and fix');
  t.equal(exitCodeOf('IMDSD_ERR_DAEMON_REPLY'), 1, 'whatever the daemon\'s code, the command exits 1');

  answer = { status: 502, type: 'text/plain', body: 'bad gateway' };
  await t.rejects(ask(), { replyCode: 'HTTP_502', message: 'HTTP_502: bad gateway' }, 'a body without a code names the HTTP status');
  answer = { status: 500, type: 'application/json', body: '{not json' };
  await t.rejects(ask(), { replyCode: 'HTTP_500', message: 'HTTP_500: {not json' }, 'unparseable JSON is kept as text');
  answer = { status: 200, type: 'application/json', body: '{"results":"none"}' };
  await t.rejects(ask(), { code: 'IMDSD_ERR_DAEMON_REPLY', message: `imdsd refresh: the daemon at ${socket} answered a reply this version cannot read`, hint: /restart the daemon/ },
    'a reply the guard refuses');
});

t.test('no daemon: IMDSD_ERR_DAEMON_NOT_RUNNING, exit 3, with the way to start one', async (t) => {
  const socket = join(tempHome(), 'none.sock');
  await t.rejects(askDaemon(socket, 'GET', '/v1/status', isRefreshReply, 'imdsd status'),
    { code: 'IMDSD_ERR_DAEMON_NOT_RUNNING', message: `imdsd is not running (no daemon at ${socket})`, hint: /imdsd run/ }, 'a missing socket');
  t.equal(exitCodeOf('IMDSD_ERR_DAEMON_NOT_RUNNING'), 3, 'exit 3');
});
