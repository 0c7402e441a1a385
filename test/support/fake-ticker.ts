/**
 * The refresher's Ticker on a fake clock: what cronTicker does on the real one, a tick
 * every `everyMs`, re-armed before each tick runs, so a test that advances the clock sees
 * the refresher check as often as in production (every 30 s by default).
 */
import type { Clock } from '../../src/clock.js';
import type { Ticker } from '../../src/refresher/refresher.js';

export function fakeTicker(clock: Pick<Clock, 'setTimer'>, everyMs = 30_000): Ticker {
  return (onTick) => {
    let cancel = (): void => undefined;
    const schedule = (): void => {
      cancel = clock.setTimer(() => {
        schedule();
        onTick();
      }, everyMs);
    };
    schedule();
    return () => cancel();
  };
}
