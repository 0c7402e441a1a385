import { createServer, connect, type Socket } from 'node:net';
import t from 'tap';
import { loadSocketLookup, TCP_ESTABLISHED } from '../../src/system/sock-diag.js';

const lookup = loadSocketLookup();
const skip = process.platform !== 'linux' ? 'needs Linux' : lookup === undefined && 'the native sock_diag part is not built (npm run build)';

async function clientAndServer(t: { teardown(fn: () => void): void }, host: string): Promise<{ client: Socket; served: Socket }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host, port: 0 }, resolve));
  const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
  const address = server.address();
  const client = connect({ host, port: typeof address === 'object' && address !== null ? address.port : 0 });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  const served = await accepted;
  t.teardown(() => {
    client.destroy();
    served.destroy();
    server.close();
  });
  return { client, served };
}

t.test('other platforms, and a missing binary, have no lookup', async (t) => {
  t.equal(loadSocketLookup('darwin', process.arch), undefined, 'none on macOS');
  t.equal(loadSocketLookup('linux', 'no-such-arch'), undefined, 'none for an architecture that was not built');
});

t.test('the kernel describes a client socket by its 4-tuple', { skip }, async (t) => {
  for (const host of ['127.0.0.1', '::1']) {
    const { served } = await clientAndServer(t, host);
    const found = lookup!(served.remoteAddress!, served.remotePort!, served.localAddress!, served.localPort!);
    t.equal(found?.uid, process.getuid!(), `${host}: the client's uid`);
    t.equal(found?.state, TCP_ESTABLISHED, `${host}: established`);
    t.ok((found?.inode ?? 0) > 0, `${host}: with its inode`);
  }
});

t.test('an IPv4-mapped address is looked up as IPv4', { skip }, async (t) => {
  const { served } = await clientAndServer(t, '127.0.0.1');
  const found = lookup!(`::ffff:${served.remoteAddress!}`, served.remotePort!, `::ffff:${served.localAddress!}`, served.localPort!);
  t.equal(found?.uid, process.getuid!(), 'found');
});

t.test('no such socket is null; bad arguments throw a type error', { skip }, async (t) => {
  t.equal(lookup!('127.0.0.1', 1, '127.0.0.1', 2), null, 'null for a tuple nobody holds');
  t.throws(() => lookup!('127.0.0.1', 1, '::1', 2), { code: 'ERR_INVALID_ARG_VALUE' }, 'mixed families');
  t.throws(() => lookup!('not an address', 1, '127.0.0.1', 2), { code: 'ERR_INVALID_ARG_VALUE' }, 'not an address');
  t.throws(() => (lookup as unknown as (a: number) => unknown)(1), { code: 'ERR_INVALID_ARG_TYPE' }, 'wrong types');
});
