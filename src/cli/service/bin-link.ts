/**
 * What a unit's ExecStart (and a plist's ProgramArguments) runs the CLI through (issue 19).
 * Files inside the package move between versions (`dist/src/daemon/cli.js` became
 * `dist/src/cli/main.js`), so a unit naming one breaks at the next `npm install -g`. npm's
 * bin link `<prefix>/bin/imdsd` is rewritten by every install of any version: a unit that
 * names it runs whatever version is installed. It is used when it leads to this very CLI:
 * the link this CLI was started through, else the one of the prefix this package lives in
 * (`<prefix>/lib/node_modules/imdsd`). Otherwise the CLI itself, with a note.
 */
import { basename, dirname, join, resolve } from 'node:path';
import type { PackagePaths } from './package-paths.js';
import type { ServiceIo } from './service-io.js';

export interface Launcher {
  readonly path: string;
  readonly warning: string | undefined;
}

const BIN = 'imdsd';

/** `<prefix>/bin/imdsd` for a package at `<prefix>/lib/node_modules/imdsd`. */
export function prefixBin(root: string): string {
  return join(dirname(dirname(dirname(root))), 'bin', BIN);
}

async function leadsTo(io: ServiceIo, link: string, cli: string): Promise<boolean> {
  if (basename(link) !== BIN || (await io.pathInfo(link))?.symlink !== true) return false;
  return await io.realpath(link) === cli;
}

export async function launcherFor(io: ServiceIo, paths: PackagePaths): Promise<Launcher> {
  const cli = await io.realpath(paths.cli);
  const candidates = [io.script === undefined ? undefined : resolve(io.cwd, io.script), prefixBin(paths.root)];
  for (const candidate of candidates) {
    if (candidate !== undefined && await leadsTo(io, candidate, cli)) return { path: candidate, warning: undefined };
  }
  // Without the script a test's io says nothing; the CLI always knows how it was started.
  const warning = io.script === undefined ? undefined
    : `no npm bin link named imdsd leads to ${paths.cli}, so the unit names that file: after an upgrade that moves it, run imdsd install again (install imdsd with npm install -g for a unit that survives upgrades)`;
  return { path: paths.cli, warning };
}
