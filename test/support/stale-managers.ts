/**
 * What a killed test process leaves behind. A test's user manager dies with the process
 * that started it (setpriv --pdeathsig), but a teardown that never ran leaves its directory
 * under /dev/shm and its cgroup. The next start removes those whose manager is gone, and
 * leaves alone the ones of test runs still going (other checkouts use the same harness).
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cgroupSandbox } from './cgroup-sandbox.js';
import { isAlive } from './signal.js';

export const MANAGER_DIR_PREFIX = 'imdsd-systemd-';
const PID_FILE = 'manager.pid';
/** A directory without a pid file is a start in progress, unless it is this old. */
const STARTING_MS = 10 * 60_000;

/** The cgroup sandbox id of a manager directory. */
export function sandboxId(root: string): string {
  return basename(root).replace(/[^A-Za-z0-9]/g, '');
}

export function recordManager(root: string, pid: number): void {
  writeFileSync(join(root, PID_FILE), String(pid));
}

function abandoned(root: string): boolean {
  try {
    return !isAlive(Number(readFileSync(join(root, PID_FILE), 'utf8')));
  } catch {
    return Date.now() - statSync(root).mtimeMs > STARTING_MS;
  }
}

export async function removeStaleManagers(base: string): Promise<void> {
  const roots = readdirSync(base).filter((name) => name.startsWith(MANAGER_DIR_PREFIX)).map((name) => join(base, name));
  for (const root of roots.filter(abandoned)) {
    await cgroupSandbox(sandboxId(root)).remove();
    rmSync(root, { recursive: true, force: true });
  }
}
