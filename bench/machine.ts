/**
 * What the numbers were measured on. A benchmark result without its machine cannot be
 * compared with anything, so every result file carries this.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly kernel: string;
  readonly totalMemMiB: number;
  /** True when `taskset` (util-linux) can pin processes to CPUs here. */
  readonly taskset: boolean;
}

function hasTaskset(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore', timeout: 2_000 });
    return true;
  } catch {
    return false;
  }
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    node: process.version,
    platform: process.platform,
    kernel: release(),
    totalMemMiB: Math.round(totalmem() / 1024 / 1024),
    taskset: hasTaskset(),
  };
}

/** The 1-minute load average, rounded: a busy machine explains a noisy result. */
export function loadAverage1m(): number {
  return Math.round((loadavg()[0] ?? 0) * 100) / 100;
}
