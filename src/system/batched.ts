/**
 * One read shared by the callers that arrive while it runs, for tables that are costly to
 * read and change all the time (/proc/net/tcp{,6} in peer-sockets.ts).
 */

/**
 * One read serves every caller that arrives while the previous read runs: they all wait
 * for the next read, which starts after they called, so each sees a table at least as new
 * as its own call (a connection finds its own row). Under a burst of callers the table is
 * read a few times, not once per caller. A failed read fails only the callers it served.
 */
export function batched<T>(load: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const start = (): Promise<T> => {
    running = load().finally(() => {
      running = undefined;
    });
    return running;
  };
  return () => {
    if (running === undefined) return start();
    next ??= running.catch(() => undefined).then(() => {
      next = undefined;
      return start();
    });
    return next;
  };
}
