/**
 * Heap measurements for the security tests. `global.gc` is exposed at run time through
 * V8's flags, so a test file needs no `--expose-gc` on tap's command line.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Gc = () => void;

function exposeGc(): Gc | undefined {
  const existing = (globalThis as { gc?: Gc }).gc;
  if (existing !== undefined) return existing;
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as Gc;
  } catch {
    return undefined;
  }
}

const gc = exposeGc();

/** Whether heap figures are taken after a full collection. */
export const gcExposed = gc !== undefined;

/** heapUsed in bytes, after two full collections when possible. */
export async function settledHeapUsed(): Promise<number> {
  for (let i = 0; i < 2; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
  return process.memoryUsage().heapUsed;
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
