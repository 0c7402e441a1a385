/**
 * The production Ticker: a node-cron task every `intervalSec` seconds. Kept behind the
 * Ticker type so tests drive ticks from a fake clock instead.
 */
import cron from 'node-cron';
import type { Ticker } from './refresher.js';

/**
 * A cron expression firing every `intervalSec` seconds. Evenly spaced only when the
 * interval divides a minute, or is whole minutes dividing an hour: the config schema
 * allows only those.
 */
export function cronExpression(intervalSec: number): string {
  if (intervalSec < 60) return `*/${Math.max(1, Math.round(intervalSec))} * * * * *`;
  const minutes = Math.max(1, Math.round(intervalSec / 60));
  return minutes >= 60 ? '0 0 * * * *' : `0 */${minutes} * * * *`;
}

export function cronTicker(intervalSec: number): Ticker {
  return (onTick) => {
    const task = cron.schedule(cronExpression(intervalSec), onTick, { noOverlap: true });
    return () => {
      // destroy, not stop: a stopped task stays in node-cron's registry, and with it
      // the refresher it ticks, across every reload.
      void task.destroy();
    };
  };
}
