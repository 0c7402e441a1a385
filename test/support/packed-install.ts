/**
 * The package as users get it: the tarball that `npm test` packs before the suite runs
 * (`npm run pack:test`, into .tap/pack/), installed with `npm install -g --prefix` into a
 * fresh directory. Tests then run `<prefix>/bin/imdsd`, never the checkout's dist/.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './daemon-process.js';

export interface PackedInstall {
  readonly tarball: string;
  readonly prefix: string;
  /** `<prefix>/bin/imdsd`, the link npm made to the package's bin. */
  readonly bin: string;
  /** `<prefix>/lib/node_modules/imdsd`. */
  readonly packageDir: string;
  /** What npm printed while installing (stdout and stderr). */
  readonly npmOutput: string;
}

/** Where `npm run pack:test` leaves the tarball of this checkout's version. */
export function packedTarball(): string {
  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  return join(REPO_ROOT, '.tap', 'pack', `imdsd-${version}.tgz`);
}

function npm(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('npm', args, { env, timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error === null) resolve(output);
      else reject(new Error(`npm ${args.join(' ')} failed: ${error.message}\n${output}`));
    });
  });
}

let installed: Promise<PackedInstall> | undefined;

/**
 * Installs the packed tarball globally into a new prefix, once per test process (an
 * install unpacks some 6,000 files). The package bundles its whole dependency tree, so
 * this needs no registry; `--offline` proves it.
 */
export function installPacked(): Promise<PackedInstall> {
  installed ??= install();
  return installed;
}

async function install(): Promise<PackedInstall> {
  const tarball = packedTarball();
  if (!existsSync(tarball)) {
    throw new Error(`${tarball} does not exist: run the suite with npm test, which packs first (npm run pack:test)`);
  }
  const prefix = mkdtempSync(join(tmpdir(), 'imdsd-prefix-'));
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
  const npmOutput = await npm(['install', '--global', '--offline', '--prefix', prefix, tarball], env);
  return { tarball, prefix, bin: join(prefix, 'bin', 'imdsd'), packageDir: join(prefix, 'lib', 'node_modules', 'imdsd'), npmOutput };
}
