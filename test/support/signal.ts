/**
 * The only way a test signals a process by number (issue 19). `process.kill(0, …)` signals
 * the caller's own process group: a systemd test that read `MainPID` (0 for a dead unit)
 * and killed it took tap, npm and the shell with it. Every pid is checked first: 0, 1,
 * negative numbers, undefined and NaN, this process, its parent and its own process group
 * are refused with an error that says so, and nothing is sent.
 */
import { readFileSync } from 'node:fs';

/** A signal name, or 0 to ask whether the process exists. */
export type SignalOrProbe = NodeJS.Signals | 0;

/** The fields of /proc/PID/stat after the command name, which may itself hold spaces or ')'. */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  } catch {
    return undefined;
  }
}

/** The process group of `pid` (Linux /proc), or undefined when it cannot be read. */
export function processGroupOf(pid: number | 'self'): number | undefined {
  const pgrp = Number(statFields(pid)?.[2]);
  return Number.isInteger(pgrp) && pgrp > 0 ? pgrp : undefined;
}

/** Why `pid` must not be signalled, or undefined when it may. */
export function refusalFor(pid: unknown): string | undefined {
  if (typeof pid !== 'number' || !Number.isInteger(pid)) return `${String(pid)} is not a pid`;
  if (pid === 0) return 'pid 0 is this process\'s own process group';
  if (pid < 0) return `pid ${pid} names a process group (use signalGroup with the leader's pid)`;
  if (pid === 1) return 'pid 1 is init';
  if (pid === process.pid) return `pid ${pid} is this test process`;
  if (pid === process.ppid) return `pid ${pid} is this test process's parent`;
  if (pid === processGroupOf('self')) return `pid ${pid} leads this test process's own process group`;
  return undefined;
}

function refuse(pid: unknown, signal: SignalOrProbe, why: string): never {
  throw new Error(`refusing to send ${signal === 0 ? 'signal 0' : signal} to ${String(pid)}: ${why}`);
}

/**
 * `process.kill(pid, signal)` for a pid that passes {@link refusalFor}; throws like
 * process.kill (ESRCH) when the process is gone.
 */
export function signalChecked(pid: unknown, signal: SignalOrProbe): void {
  const why = refusalFor(pid);
  if (why !== undefined) refuse(pid, signal, why);
  process.kill(pid as number, signal);
}

/** Whether a checked pid is a live process (signal 0; EPERM means it lives, as another user's). */
export function isAlive(pid: unknown): boolean {
  try {
    signalChecked(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === undefined) throw error;
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Signals the whole process group that `leader` leads (a child spawned with
 * `detached: true`): the leader is checked as a pid, it must not be this process's own
 * group, and while it lives it must really lead its group.
 */
export function signalGroup(leader: unknown, signal: NodeJS.Signals): void {
  const why = refusalFor(leader);
  if (why !== undefined) refuse(-Number(leader), signal, why);
  const pid = leader as number;
  const own = processGroupOf('self');
  if (own === undefined) refuse(-pid, signal, 'this process\'s own process group cannot be read (/proc)');
  if (pid === own) refuse(-pid, signal, 'that is this test process\'s own process group');
  const group = processGroupOf(pid);
  if (group !== undefined && group !== pid) refuse(-pid, signal, `pid ${pid} is in process group ${group}, it leads none`);
  process.kill(-pid, signal);
}
