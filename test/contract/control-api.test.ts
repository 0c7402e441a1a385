/** The URLs a role's sockets answer on (issue 19): `imdsd status` must name only those. */
import { createServer, type AddressInfo } from 'node:net';
import t from 'tap';
import { isCredentialProcessDocument, isRoleStatus, loopbackAddresses, servedUrls } from '../../src/contract/control-api.js';

/** The address a real socket bound to `host` reports, as listen.ts and activated-listen.ts read it. */
async function boundAddress(t: { teardown(fn: () => unknown): void }, host: string): Promise<AddressInfo | undefined> {
  const server = createServer();
  const bound = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ host, port: 0, ipv6Only: host.includes(':') }, () => resolve(true));
  });
  if (!bound) return undefined;
  t.teardown(() => new Promise((resolve) => server.close(resolve)));
  return server.address() as AddressInfo;
}

t.test('loopback sockets: http://localhost:PORT/, the name SDK endpoints use', async (t) => {
  const v4 = await boundAddress(t, '127.0.0.1');
  const v6 = await boundAddress(t, '::1');
  const addresses = [v4?.address, v6?.address].filter((a): a is string => a !== undefined);
  const port = v4?.port ?? 1338;
  t.same(servedUrls(port, addresses), [`http://localhost:${port}/`], `one URL for ${addresses.join(' and ')}`);
  t.same(loopbackAddresses(addresses), addresses, 'both stand behind localhost');
  t.same(servedUrls(1338, ['0.0.0.0']), ['http://localhost:1338/'], 'a socket on every address is reached on loopback too');
  t.same(servedUrls(1338, ['127.0.0.2']), ['http://localhost:1338/'], 'any address of 127/8');
});

t.test('link-local sockets (systemd passes 169.254.169.254:80 and [fd00:ec2::254]:80): those URLs, no port, no localhost', async (t) => {
  const urls = servedUrls(80, ['169.254.169.254', 'fd00:ec2::254']);
  t.same(urls, ['http://169.254.169.254/', 'http://[fd00:ec2::254]/'], 'the two addresses the SDKs call by default');
  t.same(loopbackAddresses(['169.254.169.254', 'fd00:ec2::254']), [], 'nothing behind localhost');
  t.same(servedUrls(80, ['::ffff:169.254.169.254']), ['http://169.254.169.254/'], 'a v4-mapped socket address unwrapped');
  t.same(servedUrls(80, ['169.254.169.254']), ['http://169.254.169.254/'], 'only what is bound: IPv4 alone when only it is passed');
});

t.test('other addresses as themselves, IPv6 in brackets, the port kept unless 80', async (t) => {
  t.same(servedUrls(1338, ['10.0.0.5']), ['http://10.0.0.5:1338/'], 'a --host address');
  t.same(servedUrls(8080, ['FD00::5']), ['http://[fd00::5]:8080/'], 'IPv6');
  t.same(servedUrls(1338, []), [], 'no socket, no URL');
});

t.test('a role status with or without urls is one a command can read', async (t) => {
  const role = { roleName: 'dev', state: 'fresh', addresses: ['169.254.169.254'], port: 80 };
  t.ok(isRoleStatus(role), 'from a daemon before issue 19');
  t.ok(isRoleStatus({ ...role, urls: ['http://169.254.169.254/'] }), 'with urls');
  t.notOk(isRoleStatus({ ...role, urls: [80] }), 'urls that are not strings: refused');
});

t.test('the credential_process guard accepts Version 1 documents only (issue 20)', async (t) => {
  const document = { Version: 1, AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: 't', Expiration: '2026-01-01T00:00:00Z' };
  t.ok(isCredentialProcessDocument(document), 'a whole document');
  t.ok(isCredentialProcessDocument({ ...document, SessionToken: undefined }), 'without a session token (an IAM user\'s keys)');
  t.notOk(isCredentialProcessDocument({ ...document, Version: 2 }), 'another version');
  t.notOk(isCredentialProcessDocument({ ...document, Expiration: undefined }), 'no expiry');
  t.notOk(isCredentialProcessDocument('{"Version":1}'), 'unparsed text');
});
