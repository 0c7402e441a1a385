import t from 'tap';
import { isoTime, systemClock } from '../src/clock.js';

t.test('isoTime writes wall times for logs and status, and passes undefined through', async (t) => {
  t.equal(isoTime(Date.UTC(2026, 10, 21, 12, 0, 0, 5)), '2026-11-21T12:00:00.005Z', 'ISO 8601 with milliseconds');
  t.equal(isoTime(undefined), undefined, 'undefined stays undefined');
});

t.test('the system clock runs timers and cancels them', async (t) => {
  t.ok(Math.abs(systemClock.now() - Date.now()) < 1000, 'now() is wall time');
  t.type(systemClock.monotonic(), 'number', 'monotonic() is a number');
  let fired = false;
  const cancel = systemClock.setTimer(() => (fired = true), 5);
  cancel();
  // Timers fire in the order they fall due: once a later one has fired, the cancelled one
  // would have. The keep-alive below is a handle, not a wait.
  const keepAliveForLater = setTimeout(() => undefined, 10_000);
  await new Promise<void>((resolve) => systemClock.setTimer(resolve, 10));
  clearTimeout(keepAliveForLater);
  t.notOk(fired, 'a cancelled timer does not fire');
  // systemClock timers never keep the process alive; this test's own timer does.
  const keepAlive = setTimeout(() => undefined, 1_000);
  await new Promise<void>((resolve) => systemClock.setTimer(resolve, 1));
  clearTimeout(keepAlive);
  t.pass('a timer fires');
});
