/**
 * The real `systemd-analyze verify` (Debian package `systemd`) on rendered units, and the
 * units as `imdsd install --print --platform linux` renders them on this machine. verify
 * needs the ExecStart binary to exist, so the units name the real node and the built CLI
 * (`npm run build` first). Unknown keys and bad values are only warnings with exit 0, so
 * any line naming a unit file is a failure too.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { runInstall } from '../../src/cli/service/install.js';
import { PACKAGE } from '../../src/cli/service/package-paths.js';
import { fakeServiceIo } from './fake-service-io.js';

export const INSTALL_SYSTEMD = 'systemd-analyze is missing: install the Debian/Ubuntu package "systemd" (apt-get install -y systemd); these tests never skip';

/** `--print` output split into the service unit and the socket unit that follows it. */
export async function printUnits(argv: string[], env: NodeJS.ProcessEnv = { PATH: '/usr/local/bin:/usr/bin' }): Promise<{ service: string; socket: string | undefined }> {
  const io = fakeServiceIo({ platform: 'linux', env, homedir: '/home/dev', uid: 1000 });
  const code = await runInstall(['--print', '--platform', 'linux', ...argv], io);
  if (code !== 0) throw new Error(`exit ${code}: ${io.err}`);
  const [service = '', socket] = io.out.split(/\n# ==> .* <==\n/);
  return { service: socket === undefined ? service : `${service}\n`, socket };
}

export interface Analysis { readonly status: number | null; readonly output: string; readonly missing: boolean }

/**
 * `systemd-analyze [--user] verify` on a copy named imdsd.service. User mode needs a
 * runtime directory to exist (it fails with "Failed to lookup RuntimeDirectory path"
 * without XDG_RUNTIME_DIR), so it gets a fresh one.
 */
/**
 * `systemd-analyze ARGS imdsd.service` on a copy, with the socket unit beside it when given
 * (the service requires it); `verify` then checks both files.
 */
export function analyze(unit: string, args: string[], socket?: string): Analysis {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-unit-'));
  const service = join(dir, 'imdsd.service');
  writeFileSync(service, unit);
  const files = [service];
  if (socket !== undefined) {
    writeFileSync(join(dir, 'imdsd.socket'), socket);
    if (args.includes('verify')) files.push(join(dir, 'imdsd.socket'));
  }
  const runtime = mkdtempSync(join(tmpdir(), 'imdsd-xdg-'));
  const result = spawnSync('systemd-analyze', [...args, ...files], {
    encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' },
  });
  const missing = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, missing };
}

/** With `socket`, the socket unit is verified too (the service requires it). */
export function verified(t: Test, unit: string, user: boolean, what: string, socket?: string): void {
  t.ok(existsSync(PACKAGE.cli), `${PACKAGE.cli} exists (run \`npm run build\` first)`);
  const result = analyze(unit, user ? ['--user', 'verify'] : ['verify'], socket);
  if (result.missing) {
    t.fail(INSTALL_SYSTEMD);
    return;
  }
  t.equal(result.status, 0, `${what}: systemd-analyze${user ? ' --user' : ''} verify exits 0\n${result.output}`);
  const complaints = result.output.split('\n').filter((line) => /imdsd\.(service|socket)/.test(line));
  t.same(complaints, [], `${what}: no warning about the unit`);
}

