/**
 * A cgroup of its own for a test's systemd user manager. A manager started as root in the
 * root cgroup takes the root as its own and moves every process of the machine into its
 * `init.scope`; two test runs would also manage each other's units. So the manager starts
 * in `/imdsd-test-<id>.slice/user@0.service` in every hierarchy (the `user@` name is what
 * lets journald file its units' lines as user units, for `systemctl --user status`), and at
 * the end whatever is left in that tree is killed and the tree removed.
 */
import { existsSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { signalChecked } from './signal.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Mount points of the cgroup hierarchies: the unified one alone, or every v1 one and `unified`. */
export function cgroupMounts(root = CGROUP_ROOT): string[] {
  if (existsSync(join(root, 'cgroup.procs'))) return [root];
  if (!existsSync(root)) return [];
  return readdirSync(root).map((name) => join(root, name))
    .filter((dir) => existsSync(join(dir, 'cgroup.procs')) && !statSync(dir).isSymbolicLink());
}

export interface CgroupSandbox {
  /** Relative to each mount point: `imdsd-test-<id>.slice/user@0.service`. */
  readonly path: string;
  /** Shell lines that move the shell running them into the sandbox (best effort). */
  readonly enterScript: string;
  /** Every pid still in the sandbox, in any hierarchy. */
  pids(): number[];
  /** Kills what is left, then removes the directories, deepest first. */
  remove(): Promise<void>;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => join(dir, entry.name));
  } catch {
    return [];
  }
}

function pidsUnder(dir: string): number[] {
  let own: number[] = [];
  try {
    own = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter((line) => line !== '').map(Number);
  } catch {
    // Gone already.
  }
  return [...own, ...subdirs(dir).flatMap(pidsUnder)];
}

function removeTree(dir: string): void {
  for (const child of subdirs(dir)) removeTree(child);
  try {
    rmdirSync(dir);
  } catch {
    // Already gone, or never created in this hierarchy.
  }
}

export function cgroupSandbox(id: string, mounts = cgroupMounts()): CgroupSandbox {
  const slice = `imdsd-test-${id}.slice`;
  const path = `${slice}/user@0.service`;
  const enterScript = mounts
    .map((mount) => `{ mkdir -p '${mount}/${path}' && echo $$ > '${mount}/${path}/cgroup.procs'; } 2>/dev/null || true`)
    .join('\n');
  const pids = (): number[] => [...new Set(mounts.flatMap((mount) => pidsUnder(join(mount, slice))))];
  return {
    path,
    enterScript,
    pids,
    async remove() {
      // A killed process leaves its cgroup a moment later; until then rmdir says EBUSY.
      for (let round = 0; round < 40 && pids().length > 0; round++) {
        for (const pid of pids()) {
          try {
            signalChecked(pid, 'SIGKILL');
          } catch {
            // Exited meanwhile.
          }
        }
        await delay(50);
      }
      for (const mount of mounts) removeTree(join(mount, slice));
    },
  };
}
