import { createServer } from 'node:net';
import t from 'tap';
import { findPortOwner } from '../../src/system/port-owner.js';

t.test('Linux: the process listening on a port, from /proc', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as { port: number };
  const owner = await findPortOwner(port, 'linux');
  t.equal(owner?.pid, process.pid, 'this test process holds it');
  t.match(owner?.command, /node/, 'with its command line');
  const viaLsof = await findPortOwner(port, 'darwin');
  t.ok(viaLsof === undefined || viaLsof.pid === process.pid, 'lsof (macOS\'s way, where installed) names the same process');
});

t.test('a port nobody listens on has no owner', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  t.equal(await findPortOwner(port, 'linux'), undefined, 'none');
  t.equal(await findPortOwner(port, 'darwin'), undefined, 'none by lsof either');
});

t.test('platforms without a way to tell answer undefined', async (t) => {
  t.equal(await findPortOwner(1338, 'win32'), undefined, 'Windows');
});
