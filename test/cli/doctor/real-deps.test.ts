import { mkdirSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { isDaemonStatus } from '../../../src/contract/control-api.js';
import { controlStatus, directRequest, nodeFiles, realDoctorDeps } from '../../../src/cli/doctor/real-deps.js';
import { freePort } from '../../support/free-port.js';
import { fakeRole, fakeStatus, tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

function serve(t: Test, handler: RequestListener, listenOn: number | string): Promise<Server> {
  const server = createHttpServer(handler);
  t.teardown(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return new Promise((resolve) => {
    if (typeof listenOn === 'string') server.listen(listenOn, () => resolve(server));
    else server.listen(listenOn, '127.0.0.1', () => resolve(server));
  });
}

t.test('files: missing is undefined or empty, other errors are thrown', async (t) => {
  const home = tempHome();
  const file = writeHomeFile(home, 'a/b.txt', 'hello', 0o640);
  t.equal(await nodeFiles.readText(file), 'hello', 'reads text');
  t.equal(await nodeFiles.readText(join(home, 'nope')), undefined, 'missing file');
  t.equal(await nodeFiles.readText(join(file, 'under-a-file')), undefined, 'a path through a file is missing too (ENOTDIR)');
  await t.rejects(nodeFiles.readText(join(home, 'a')), { code: 'EISDIR' }, 'a directory is an error');
  t.equal(await nodeFiles.mode(file), 0o640, 'mode bits');
  t.equal(await nodeFiles.mode(join(home, 'nope')), undefined, 'no mode for a missing file');
  t.same(await nodeFiles.list(join(home, 'a')), ['b.txt'], 'lists');
  t.same(await nodeFiles.list(join(home, 'nope')), [], 'a missing directory is empty');
});

t.test('plain HTTP to the IMDS endpoint: answers, refusals and timeouts', async (t) => {
  const server = await serve(t, (req, res) => {
    if (req.url === '/hang') return;
    res.writeHead(201).end(`${req.method} ${req.headers['x-test']}`);
  }, 0);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  t.same(await directRequest(`http://127.0.0.1:${port}/x`, { method: 'PUT', headers: { 'x-test': 'yes' }, timeoutMs: 2000 }), { status: 201, body: 'PUT yes' }, 'status and body');
  await t.rejects(directRequest(`http://127.0.0.1:${port}/hang`, { method: 'GET', headers: {}, timeoutMs: 100 }), { name: 'AbortError' }, 'a timeout aborts the request');
  const closed = await freePort();
  await t.rejects(directRequest(`http://127.0.0.1:${closed}/`, { method: 'GET', headers: {}, timeoutMs: 2000 }), { code: 'ECONNREFUSED' }, 'refused');
});

t.test('the control API\'s status is checked before use', async (t) => {
  t.ok(isDaemonStatus(fakeStatus([fakeRole(), fakeRole({ port: undefined })])), 'a status');
  t.notOk(isDaemonStatus(null), 'null');
  t.notOk(isDaemonStatus({ ...fakeStatus(), pid: '1' }), 'a wrong field type');
  t.notOk(isDaemonStatus({ ...fakeStatus(), roles: [null] }), 'a role that is not an object');
  t.notOk(isDaemonStatus({ ...fakeStatus(), roles: [{ ...fakeRole(), port: '1338' }] }), 'a port that is not a number');
  t.notOk(isDaemonStatus({ ...fakeStatus(), roles: {} }), 'roles that are not a list');

  const dir = join(tempHome(), 'run');
  mkdirSync(dir);
  let answer: { status: number; body: unknown } = { status: 200, body: fakeStatus() };
  const socket = join(dir, 'control.sock');
  await serve(t, (_req, res) => {
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
  }, socket);
  t.same(await controlStatus(socket), fakeStatus(), 'a good status');
  answer = { status: 200, body: { roles: 'none' } };
  await t.rejects(controlStatus(socket), { code: 'IMDSD_ERR_DAEMON_REPLY', message: `imdsd doctor: the daemon at ${socket} answered a reply this version cannot read` }, 'a malformed status');
  answer = { status: 500, body: { Code: 'IMDSD_ERR_INTERNAL', Message: 'boom' } };
  await t.rejects(controlStatus(socket), { code: 'IMDSD_ERR_DAEMON_REPLY', replyCode: 'IMDSD_ERR_INTERNAL', message: 'IMDSD_ERR_INTERNAL: boom' }, 'an error reply');
  await t.rejects(controlStatus(join(dir, 'none.sock')), { code: 'IMDSD_ERR_DAEMON_NOT_RUNNING' }, 'no daemon');
});

t.test('the real inputs take env, home and time from the command context', async (t) => {
  const home = tempHome();
  const deps = realDoctorDeps({ env: { A: '1' }, home, now: () => 42, out: () => {}, err: () => {}, interrupted: new Promise(() => {}) }, join(home, 'none.sock'));
  t.same([deps.env, deps.home, deps.now(), deps.platform], [{ A: '1' }, home, 42, process.platform], 'passed through');
  t.type(deps.monotonic(), 'number', 'a monotonic clock');
  await t.rejects(deps.status(), { code: 'IMDSD_ERR_DAEMON_NOT_RUNNING' }, 'the status comes from the given socket');
  const port = await freePort();
  t.equal(await deps.findPortOwner(port), undefined, 'nobody holds a free port');
  t.equal(deps.uid, process.getuid?.(), 'this process\'s uid');
  // Issue 18: the real nft (or its absence) and lsof (absent on Linux), whatever this host has.
  t.match((await deps.firewall()).listing, { kind: /^(listed|absent|denied|no-nft)$/ }, 'the nftables table, as this host answers');
  const listeners: unknown = await deps.portListeners(port).catch((error: unknown) => String(error));
  t.ok(Array.isArray(listeners) ? listeners.length === 0 : /lsof is not installed/.test(String(listeners)), `nobody listens on a free port, or no lsof: ${JSON.stringify(listeners)}`);
});
