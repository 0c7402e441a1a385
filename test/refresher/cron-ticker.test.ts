import { readFileSync } from 'node:fs';
import cron from 'node-cron';
import t from 'tap';
import { cronExpression, cronTicker } from '../../src/refresher/cron-ticker.js';

t.test('cronExpression fires every N seconds below a minute, every N minutes above', async (t) => {
  const cases: Array<[number, string]> = [
    [30, '*/30 * * * * *'],
    [1, '*/1 * * * * *'],
    [15, '*/15 * * * * *'],
    [0.2, '*/1 * * * * *'],
    [59, '*/59 * * * * *'],
    [60, '0 */1 * * * *'],
    [300, '0 */5 * * * *'],
    [90, '0 */2 * * * *'],
    [1800, '0 */30 * * * *'],
    [3600, '0 0 * * * *'],
  ];
  for (const [sec, expected] of cases) {
    const expr = cronExpression(sec);
    t.equal(expr, expected, `${sec} s is "${expected}"`);
    t.ok(cron.validate(expr), `"${expr}" is a valid node-cron expression`);
  }
});

t.test('every tick the config schema allows is evenly spaced', async (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../schema/config.schema.json', import.meta.url), 'utf8')) as {
    properties: { tickSec: { enum: number[] } };
  };
  for (const sec of schema.properties.tickSec.enum) {
    const spaced = sec < 60 ? 60 % sec === 0 : sec % 60 === 0 && 3600 % sec === 0;
    t.ok(spaced, `${sec} s divides a minute or an hour`);
    t.ok(cron.validate(cronExpression(sec)), `${sec} s gives a valid expression`);
  }
});

t.test('cronTicker ticks on the real clock and its stop function removes the task', async (t) => {
  const before = new Set(cron.getTasks().keys());
  let ticks = 0;
  let firstTick: () => void = () => undefined;
  const ticked = new Promise<void>((resolve) => (firstTick = resolve));
  const stop = cronTicker(1)(() => {
    ticks += 1;
    firstTick();
  });
  const added = [...cron.getTasks().values()].filter((task) => !before.has(task.id));
  t.equal(added.length, 1, 'starting the ticker schedules one node-cron task');
  const task = added[0];
  t.equal(task?.getPattern(), '*/1 * * * * *', 'the task runs every second');

  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ticked.then(() => 'tick'),
    // A bound on the wait, not a latency figure: the every-second pattern is asserted above.
    new Promise<string>((resolve) => (timer = setTimeout(resolve, 10_000, 'no tick'))),
  ]);
  clearTimeout(timer);
  t.equal(outcome, 'tick', 'the task ticks');

  stop();
  const afterStop = ticks;
  t.equal(task?.getStatus(), 'destroyed', 'stop() ends the task');
  t.notOk(cron.getTasks().has(task?.id ?? ''), 'the stopped task is no longer held by node-cron');
  t.doesNotThrow(() => stop(), 'stopping twice is harmless');
  t.equal(ticks, afterStop, 'no tick after stop()');
});
