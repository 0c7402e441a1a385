import { Agent, request as httpRequest } from 'node:http';
import t from 'tap';
import type { AdmitPeer } from '../../src/imds/peer-gate.js';
import { startImds } from '../support/imds-fakes.js';

const TTL = 'x-aws-ec2-metadata-token-ttl-seconds';
const TOKEN = 'x-aws-ec2-metadata-token';
const REGION = '/latest/meta-data/placement/region';

function counting(admitted: boolean, asked: { n: number }): AdmitPeer {
  return async (socket) => {
    asked.n += 1;
    return { admitted, peer: { address: socket.remoteAddress }, describe: async () => ({}) };
  };
}

t.test('a malformed escape is 404 before the peer check or any other', async (t) => {
  const asked = { n: 0 };
  const imds = await startImds(t, { admitPeer: counting(false, asked) });
  t.equal((await imds.call('GET', '/%zz', { origin: 'http://evil.example' })).status, 404, 'a malformed escape: 404, even from a browser');
  t.equal(asked.n, 0, 'the peer was not even asked');
  t.equal((await imds.call('GET', '/latest')).status, 403, 'a good path from the refused peer: 403');
});

t.test('a refused peer gets no token and no credential (issue 18)', async (t) => {
  const imds = await startImds(t, { admitPeer: counting(false, { n: 0 }), allowV1: true });
  const put = await imds.call('PUT', '/latest/api/token', { [TTL]: '60' });
  t.equal(put.status, 403, 'the token PUT is refused');
  t.equal(put.body, 'Forbidden', 'with the plain 403 body');
  t.equal((await imds.call('GET', '/latest/meta-data/iam/security-credentials/dev-admin')).status, 403, 'the credential too');
});

t.test('a peer lookup that fails is a 500, never a pass', async (t) => {
  const imds = await startImds(t, { admitPeer: async () => Promise.reject(new Error('netlink broke')), allowV1: true });
  const put = await imds.call('PUT', '/latest/api/token', { [TTL]: '60' });
  t.equal(put.status, 500, 'the token PUT fails closed');
  t.notMatch(put.body, /netlink/, 'naming nothing');
  t.equal(imds.app.tokenCount(), 0, 'no token was issued');
});

t.test('an unidentified peer gets the coded 403', async (t) => {
  const admitPeer: AdmitPeer = async (socket) => ({ admitted: false, code: 'IMDSD_ERR_PEER_UNKNOWN', peer: { address: socket.remoteAddress }, describe: async () => ({}) });
  const imds = await startImds(t, { admitPeer });
  const reply = await imds.call('GET', REGION);
  t.equal(reply.status, 403, '403');
  t.match(JSON.parse(reply.body), { Code: 'IMDSD_ERR_PEER_UNKNOWN' }, 'the coded document');
});

t.test('a connection is judged once: later requests use the settled verdict', async (t) => {
  const asked = { n: 0 };
  const imds = await startImds(t, { admitPeer: counting(true, asked), allowV1: true });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const get = () => new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: imds.port, path: REGION, agent }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
  t.same([await get(), await get(), await get()], [200, 200, 200], 'all served');
  t.equal(asked.n, 1, 'the peer was asked once for the kept-alive connection');
});

t.test('the header check refuses before the token check, and the token check before the path', async (t) => {
  const imds = await startImds(t);
  t.equal((await imds.call('GET', REGION, { 'x-forwarded-for': '10.0.0.1' })).status, 403, 'a proxied read without a token: 403, not 401');
  t.equal((await imds.call('GET', '/no/such/path')).status, 401, 'an unknown path without a token: 401');
  const token = await imds.token();
  t.equal((await imds.call('GET', '/no/such/path', { [TOKEN]: token })).status, 404, 'with a token: 404');
  t.equal((await imds.call('POST', '/no/such/path')).status, 404, 'a write to an unknown path: 404 without a token');
  t.equal((await imds.call('PROPFIND', REGION)).status, 405, 'any method Node parses is a 405 on a metadata path');
});
