import t from 'tap';
import { CLOCK_SKEW_WARN_MS, isSkewed, measuredOffsetMs } from '../../src/refresher/clock-skew.js';
import { TIME_SYNC_HINT } from '../../src/system/time-sync.js';

t.test('the offset is STS time against the midpoint of the call', async (t) => {
  t.equal(measuredOffsetMs(10_000, 1_000, 3_000), 8_000, 'STS ahead: positive');
  t.equal(measuredOffsetMs(1_000, 10_000, 10_000), -9_000, 'STS behind: negative');
});

t.test('only offsets beyond a minute count as a wrong clock', async (t) => {
  t.notOk(isSkewed(undefined), 'not measured');
  t.notOk(isSkewed(CLOCK_SKEW_WARN_MS), 'exactly a minute is noise');
  t.ok(isSkewed(CLOCK_SKEW_WARN_MS + 1), 'beyond a minute ahead');
  t.ok(isSkewed(-CLOCK_SKEW_WARN_MS - 1), 'beyond a minute behind');
  t.match(TIME_SYNC_HINT, /timedatectl set-ntp true.*sntp -sS time\.apple\.com/, 'the fix for both platforms');
});
