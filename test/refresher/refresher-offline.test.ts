/** Issue 13: an offline laptop is said once, then retried quietly on the fast schedule. */
import { pino } from 'pino';
import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { createRefresher } from '../../src/refresher/refresher.js';
import { FakeClock } from '../support/fake-clock.js';

t.test('offline: one warning, then quiet retries, then a credential when the network returns', async (t) => {
  const clock = new FakeClock(Date.now(), 2);
  const lines: Array<{ level: number; event?: string; code?: string }> = [];
  let online = false;
  let calls = 0;
  const refresher = createRefresher({
    identity: { roleName: 'dev', roleArn: '', accountId: '', region: 'us-east-1' },
    issue: async () => {
      calls++;
      if (!online) throw new ImdsdError('IMDSD_ERR_OFFLINE', 'STS cannot be reached: this machine seems to be offline');
      return { accessKeyId: 'ASIAOFFLINE000000001', secretAccessKey: 's', sessionToken: 't', expiresAtMs: clock.now() + 3_600_000 };
    },
    clock, ticker: () => () => undefined, random: () => 1,
    logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as never) }),
    failureContext: { roleArn: '', sourceLabel: 'profile me', region: 'us-east-1' },
  });
  t.teardown(() => refresher.stop());
  await refresher.start();
  await clock.advance(5 * 60_000);
  const failures = lines.filter((line) => line.event === 'refresh-failed');
  t.ok(calls >= 4, `retried on the fast schedule (${calls} attempts in 5 minutes)`);
  t.equal(failures.filter((line) => line.level === 40).length, 1, 'one warning');
  t.ok(failures.slice(1).every((line) => line.level === 20), 'the rest at debug level');
  online = true;
  t.ok((await refresher.refreshNow()).ok, 'refreshed once the network is back');
});
