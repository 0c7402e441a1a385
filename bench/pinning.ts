/**
 * Keeps the load generator from starving the servers: on Linux with `taskset` and at
 * least two CPUs, the bench process (autocannon) runs on CPU 0 and every server child
 * on the other CPUs. `BENCH_NO_PIN=1` turns this off. Children that must behave as on a
 * user's machine (cold start) get every CPU back explicitly, since a child inherits its
 * parent's affinity.
 */
import { execFileSync } from 'node:child_process';
import type { MachineInfo } from './machine.js';

export interface Pinning {
  readonly enabled: boolean;
  /** CPU list of the bench process (load generator, local STS), e.g. "0". */
  readonly loadGenerator: string;
  /** CPU list of the server children, e.g. "1". */
  readonly servers: string;
  /** Every CPU, for children that should not be pinned. */
  readonly all: string;
}

export function choosePinning(machine: MachineInfo, env: NodeJS.ProcessEnv): Pinning {
  const all = `0-${Math.max(0, machine.cores - 1)}`;
  const enabled = machine.taskset && machine.cores >= 2 && env.BENCH_NO_PIN !== '1';
  if (!enabled) return { enabled: false, loadGenerator: all, servers: all, all };
  return { enabled, loadGenerator: '0', servers: machine.cores === 2 ? '1' : `1-${machine.cores - 1}`, all };
}

/** Pins this process and all its threads (autocannon runs in it). */
export function pinSelf(pinning: Pinning): void {
  if (!pinning.enabled) return;
  execFileSync('taskset', ['-a', '-p', '-c', pinning.loadGenerator, String(process.pid)], { stdio: 'ignore', timeout: 2_000 });
}

/** The command and arguments that run `args` (node and its script) on `cpus`. */
export function pinned(pinning: Pinning, cpus: string, args: readonly string[]): { command: string; args: string[] } {
  if (!pinning.enabled) return { command: process.execPath, args: [...args] };
  return { command: 'taskset', args: ['-c', cpus, process.execPath, ...args] };
}
