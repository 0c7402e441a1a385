/**
 * Where the installed package keeps the CLI and the service templates. A service manager
 * starts the daemon long after `imdsd install` ran, from no particular directory, so every
 * path it is given is absolute and points into this package, wherever npm put it.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackagePaths {
  readonly root: string;
  /** The built CLI, `dist/src/cli/main.js`, which the service runs with `node`. */
  readonly cli: string;
  /** The per-user definitions, which run as the user; what root loads is in root-units.ts. */
  readonly plistTemplate: string;
  readonly userUnitTemplate: string;
}

/**
 * The package root seen from a module in `src/cli/service/`, whether it runs built
 * (`dist/src/cli/service/x.js`) or from source under the test runner (`src/...x.ts`).
 */
export function packagePaths(moduleUrl: string): PackagePaths {
  const here = fileURLToPath(moduleUrl);
  const built = `${sep}dist${sep}src${sep}`;
  const at = here.lastIndexOf(built);
  const root = at >= 0 ? here.slice(0, at) : resolve(dirname(here), '..', '..', '..');
  return {
    root,
    cli: join(root, 'dist', 'src', 'cli', 'main.js'),
    plistTemplate: join(root, 'launchd', 'imdsd.plist.template'),
    userUnitTemplate: join(root, 'systemd', 'imdsd.service.template'),
  };
}

/** This package's own paths. */
export const PACKAGE = packagePaths(import.meta.url);

/** The package's templates are part of the install, so a missing one is a broken package. */
export function readTemplate(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
