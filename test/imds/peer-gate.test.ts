import { pino } from 'pino';
import { Writable } from 'node:stream';
import t from 'tap';
import type { AdmitPeer, PeerVerdict } from '../../src/imds/peer-gate.js';
import { IDENTITY, startImds } from '../support/imds-fakes.js';

function capture(): { logger: ReturnType<typeof pino>; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

function admitting(admitted: boolean, calls: { n: number }): AdmitPeer {
  return async (socket) => {
    calls.n += 1;
    const verdict: PeerVerdict = {
      admitted,
      reason: admitted ? undefined : 'uid 1001 is not the daemon\'s owner',
      peer: { address: socket.remoteAddress, uid: admitted ? 0 : 1001 },
      describe: async () => ({ address: socket.remoteAddress, uid: 0, pid: 4242, command: 'aws' }),
    };
    return verdict;
  };
}

const CREDENTIAL = `/latest/meta-data/iam/security-credentials/${IDENTITY.roleName}`;
const settle = () => new Promise((resolve) => setImmediate(resolve));

t.test('a refused peer gets 403 on every path and is logged', async (t) => {
  const { logger, lines } = capture();
  const calls = { n: 0 };
  const imds = await startImds(t, { admitPeer: admitting(false, calls), logger });
  t.equal((await imds.call('PUT', '/latest/api/token', { 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).status, 403, 'no token');
  t.equal((await imds.call('GET', CREDENTIAL)).status, 403, 'no credential');
  t.equal((await imds.call('GET', '/latest/meta-data/placement/region')).status, 403, 'no metadata');
  t.equal(calls.n, 1, 'asked once for the connection, not per request');
  const refused = lines.filter((line) => line.event === 'peer-refused');
  t.equal(refused.length, 1, 'logged once');
  t.match(refused[0], { peer: { uid: 1001 }, reason: /not the daemon's owner/ }, 'with the peer and the reason');
});

t.test('an admitted peer is served and each hand-out is logged with its process, once per connection and credential', async (t) => {
  const { logger, lines } = capture();
  const imds = await startImds(t, { admitPeer: admitting(true, { n: 0 }), logger });
  const token = await imds.token();
  for (let i = 0; i < 3; i++) {
    const reply = await imds.call('GET', CREDENTIAL, { 'x-aws-ec2-metadata-token': token });
    t.equal(reply.status, 200, `request ${i + 1} served`);
  }
  await settle();
  const handedOut = lines.filter((line) => line.event === 'handed-out');
  t.equal(handedOut.length, 1, 'one log line for three hand-outs of the same credential on one connection');
  t.match(handedOut[0], { keyId: /^….{4}$/, peer: { uid: 0, pid: 4242, command: 'aws' } }, 'names the key (last four) and the peer');
  t.notMatch(JSON.stringify(lines), /SECRETKEY|SESSIONTOKEN/, 'no secret in the log');
});

t.test('without a gate every peer is served and hand-outs are logged by address', async (t) => {
  const { logger, lines } = capture();
  const imds = await startImds(t, { logger });
  const token = await imds.token();
  t.equal((await imds.call('GET', CREDENTIAL, { 'x-aws-ec2-metadata-token': token })).status, 200, 'served');
  await settle();
  t.match(lines.find((line) => line.event === 'handed-out'), { peer: { address: '127.0.0.1' } }, 'logged by address');
});
