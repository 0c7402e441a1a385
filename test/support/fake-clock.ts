/**
 * A Clock for tests: wall and monotonic time move only when told, and timers fire in
 * order as time is advanced, with pending promise callbacks run between them, so hours
 * of refresh behaviour take milliseconds.
 */
import type { Clock } from '../../src/clock.js';

interface Timer {
  readonly id: number;
  readonly dueMono: number;
  readonly fn: () => void;
}

/** Lets every already-queued promise callback (and the ones they queue) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeClock implements Clock {
  private wallMs: number;
  private monoMs = 1_000;
  private nextId = 1;
  private timers: Timer[] = [];

  /**
   * `settleRounds`: macrotask turns let pass around each timer. Code whose work is only
   * promises (no I/O) needs 1–2; the default is generous for code that touches sockets.
   */
  constructor(startWallMs = Date.UTC(2026, 10, 21, 12, 0, 0), private readonly settleRounds = 20) {
    this.wallMs = startWallMs;
  }

  now(): number {
    return this.wallMs;
  }

  monotonic(): number {
    return this.monoMs;
  }

  setTimer(fn: () => void, delayMs: number): () => void {
    const timer = { id: this.nextId++, dueMono: this.monoMs + Math.max(0, delayMs), fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t.id !== timer.id);
    };
  }

  /** Timers set and not yet run or cancelled. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves both clocks forward by `ms`, firing due timers in order and settling promises. */
  async advance(ms: number): Promise<void> {
    const targetMono = this.monoMs + ms;
    await settle(this.settleRounds);
    for (;;) {
      const next = this.timers
        .filter((t) => t.dueMono <= targetMono)
        .sort((a, b) => a.dueMono - b.dueMono || a.id - b.id)[0];
      if (next === undefined) break;
      this.timers = this.timers.filter((t) => t.id !== next.id);
      this.wallMs += next.dueMono - this.monoMs;
      this.monoMs = next.dueMono;
      next.fn();
      await settle(this.settleRounds);
    }
    this.wallMs += targetMono - this.monoMs;
    this.monoMs = targetMono;
    await settle(this.settleRounds);
  }

  /**
   * Moves only the wall clock, as a suspend (Linux monotonic time stops) or an NTP step
   * does; timers keep their monotonic due times.
   */
  jumpWall(ms: number): void {
    this.wallMs += ms;
  }
}
