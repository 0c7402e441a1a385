/** Offline roles are refreshed as soon as the network returns (issue 13). */
import { pino } from 'pino';
import t from 'tap';
import { watchNetworkReturn } from '../../src/daemon/network-return.js';
import type { RefresherStatus } from '../../src/refresher/refresh-state.js';
import { FakeClock } from '../support/fake-clock.js';

t.test('asks only while a role is offline, and refreshes it when a name resolves again', async (t) => {
  const clock = new FakeClock(Date.now(), 2);
  let online = false;
  let probes = 0;
  let refreshes = 0;
  let status: RefresherStatus = { state: 'fresh', consecutiveFailures: 0 };
  const refresher = {
    status: () => status,
    refreshNow: async () => {
      refreshes++;
      status = { state: 'fresh', consecutiveFailures: 0 };
      return { ok: true } as never;
    },
  };
  const watch = watchNetworkReturn({
    clock, logger: pino({ level: 'silent' }), intervalMs: 5_000, roles: () => [{ refresher }],
    probe: async () => {
      probes++;
      return online;
    },
  });
  t.teardown(() => watch.stop());
  await clock.advance(20_000);
  t.equal(probes, 0, 'nobody offline: no DNS traffic');
  status = { state: 'degraded', consecutiveFailures: 2, lastError: { code: 'IMDSD_ERR_OFFLINE', message: 'offline' } };
  await clock.advance(20_000);
  t.ok(probes >= 3, 'offline: asks every 5 s');
  t.equal(refreshes, 0, 'and waits quietly');
  online = true;
  await clock.advance(5_000);
  t.equal(refreshes, 1, 'refreshed within one interval of the network returning');
  await clock.advance(20_000);
  t.equal(refreshes, 1, 'once');
  watch.stop();
  const before = probes;
  status = { state: 'degraded', consecutiveFailures: 2, lastError: { code: 'IMDSD_ERR_OFFLINE', message: 'offline' } };
  await clock.advance(20_000);
  t.equal(probes, before, 'nothing after stop');
});
