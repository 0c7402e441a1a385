import t from 'tap';
import { Client, request } from 'undici';
import { listenMetrics } from '../../src/daemon/metrics-listen.js';
import { createMetrics } from '../../src/daemon/metrics.js';
import type { AdmitPeer } from '../../src/imds/peer-gate.js';
import { FakeClock } from '../support/fake-clock.js';

const metrics = createMetrics(new FakeClock(), () => [{ roleName: 'dev', expiresAtMs: () => undefined, tokenCount: () => 0 }]);

/** A gate that admits by the answer it is given, counting the connections it judged. */
function gate(admitted: boolean): AdmitPeer & { asked: number } {
  const admit = Object.assign(async () => {
    admit.asked += 1;
    return { admitted, peer: { uid: admitted ? 1000 : 1001 }, reason: admitted ? undefined : 'uid 1001 is not the daemon\'s owner', describe: async () => ({}) };
  }, { asked: 0 });
  return admit;
}

t.test('issue 18: the metrics port passes the peer check of the IMDS ports', async (t) => {
  const refusing = gate(false);
  const refused = await listenMetrics(metrics, { port: 0, admitPeer: refusing });
  t.teardown(() => refused.close());
  const answer = await request(`http://127.0.0.1:${refused.port}/metrics`);
  t.equal(answer.statusCode, 403, 'a peer the check refuses gets 403');
  t.notMatch(await answer.body.text(), /imdsd_/, 'and no metric');

  const admitting = gate(true);
  const served = await listenMetrics(metrics, { port: 0, admitPeer: admitting });
  t.teardown(() => served.close());
  const client = new Client(`http://127.0.0.1:${served.port}`);
  t.teardown(() => client.close());
  const first = await client.request({ method: 'GET', path: '/metrics' });
  t.equal(first.statusCode, 200, 'the owner is served');
  t.match(await first.body.text(), /imdsd_credential_expiry_seconds|imdsd_imds_tokens/, 'the metrics');
  await (await client.request({ method: 'GET', path: '/metrics' })).body.text();
  t.equal(admitting.asked, 1, 'asked once per connection (kept alive)');
});
