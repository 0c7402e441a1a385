/**
 * One temporary folder per bench invocation for HOMEs, config files and CPU profiles,
 * removed when the bench ends, whatever happens.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Workspace {
  readonly root: string;
  /** A new empty folder under the root. */
  folder(name: string): string;
  remove(): void;
}

export function createWorkspace(): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'imdsd-bench-'));
  let next = 0;
  return {
    root,
    folder(name) {
      next += 1;
      const path = join(root, `${name}-${next}`);
      mkdirSync(path, { recursive: true });
      return path;
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}
