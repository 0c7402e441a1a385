/**
 * Reads a process's memory and CPU time from /proc (Linux). Outside Linux every reader
 * returns undefined and the report says "n/a" instead of guessing.
 */
import { readFileSync } from 'node:fs';

/** A `Vm…:  12345 kB` field of /proc/<pid>/status, in MiB. */
function statusFieldMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match?.[1] === undefined ? undefined : Math.round((Number(match[1]) / 1024) * 10) / 10;
  } catch {
    return undefined;
  }
}

/** Resident memory now, in MiB. */
export function rssMiB(pid: number): number | undefined {
  return statusFieldMiB(pid, 'VmRSS');
}

/** The highest resident memory the process has had, in MiB. */
export function peakRssMiB(pid: number): number | undefined {
  return statusFieldMiB(pid, 'VmHWM');
}

/** User + system CPU time the process has used, in ms (from /proc/<pid>/stat, 100 Hz ticks). */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * 10 : undefined;
  } catch {
    return undefined;
  }
}
