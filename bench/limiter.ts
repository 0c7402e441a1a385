/**
 * A counting semaphore around an async function, recording the most calls ever in
 * flight at once. imdsd has no such bound today (see bench/README.md, "Refresh at
 * scale"); this is the one the bench puts around AssumeRole, and the shape proposed.
 */
export interface Limiter {
  /** Runs `task` once fewer than `max` others run. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Most tasks that were running at the same time. */
  peak(): number;
  /** Tasks started so far. */
  started(): number;
}

/** `max` of Infinity: no bound, only the counting. */
export function createLimiter(max: number): Limiter {
  let running = 0;
  let peak = 0;
  let started = 0;
  const waiting: Array<() => void> = [];

  function release(): void {
    running -= 1;
    waiting.shift()?.();
  }

  return {
    async run(task) {
      if (running >= max) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      started += 1;
      peak = Math.max(peak, running);
      try {
        return await task();
      } finally {
        release();
      }
    },
    peak: () => peak,
    started: () => started,
  };
}
