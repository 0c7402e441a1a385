/**
 * Upgrades keep an installed service running (issue 19): `npm install -g` of a version that
 * moves the CLI inside the package must not break a unit written by an earlier one.
 *
 * Version A is the packed tarball of this checkout (what `npm test` packs). Version B is A
 * with its version raised and its CLI moved to another file (package.json's `bin` follows),
 * as 0.2 moved `dist/src/daemon/cli.js` to `dist/src/cli/main.js`. Both are installed with
 * `npm install -g --offline --prefix P` into one prefix under /var/lib (root's, outside the
 * /tmp that PrivateTmp=yes hides), and A's `P/bin/imdsd install` runs against a real
 * systemd user manager. Then:
 * - the unit names npm's bin link `P/bin/imdsd`, so after B replaces A a restart serves;
 * - a unit written by 0.1 (ExecStart `…/dist/src/daemon/cli.js`) still starts, through
 *   the shim the build leaves at that path for one release;
 * - a unit naming a file that is gone is what `imdsd doctor` reports, with the command.
 * The time from `systemctl restart` to the first served credential is a comment.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t, { type Test } from 'tap';
import { packedTarball } from '../support/packed-install.js';
import { ROLE, startServiceFixture, type ServiceFixture } from '../support/service-fixture.js';
import { waitServed } from '../support/imds-poller.js';
import { systemctl, unitProperty, waitProperty, type Ran } from '../support/systemctl.js';

const SERVICE = 'imdsd.service';
const LEGACY_CLI = 'dist/src/daemon/cli.js';
const MOVED_CLI = 'dist/src/cli/imdsd-cli.js';

function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, encoding: 'utf8', timeout: 240_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr });
    });
  });
}

const NPM_ENV = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

/**
 * Version B: A unpacked, its CLI moved and every reference to it (package.json's bin, the
 * legacy shim) following, its version raised, packed again without scripts (it is built).
 */
async function versionB(t: Test, tarballA: string): Promise<string> {
  const work = mkdtempSync(join(tmpdir(), 'imdsd-upgrade-'));
  t.teardown(() => rmSync(work, { recursive: true, force: true }));
  const untar = await run('tar', ['-xzf', tarballA, '-C', work], process.env);
  if (untar.code !== 0) throw new Error(`tar: ${untar.stderr}`);
  const pkgDir = join(work, 'package');
  const manifestPath = join(pkgDir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { version: string; bin: Record<string, string> };
  const oldCli = manifest.bin.imdsd ?? '';
  renameSync(join(pkgDir, oldCli), join(pkgDir, MOVED_CLI));
  manifest.version = `${manifest.version}-upgrade.1`;
  manifest.bin = { imdsd: MOVED_CLI };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  const shim = join(pkgDir, LEGACY_CLI);
  writeFileSync(shim, readFileSync(shim, 'utf8').replace('../cli/main.js', '../cli/imdsd-cli.js'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', work, pkgDir], { ...process.env, ...NPM_ENV });
  if (packed.code !== 0) throw new Error(`npm pack of version B failed: ${packed.stderr}`);
  return join(work, packed.stdout.trim().split('\n').pop() ?? '');
}

function installInto(prefix: string, tarball: string): Promise<Ran> {
  return run('npm', ['install', '--global', '--offline', '--prefix', prefix, tarball], { ...process.env, ...NPM_ENV });
}

/** `systemctl --user restart`, then the milliseconds until the first served credential. */
async function restartServed(fixture: ServiceFixture): Promise<number | undefined> {
  const start = Date.now();
  const restart = await systemctl(fixture.env, ['restart', SERVICE]);
  if (restart.code !== 0) return undefined;
  const served = await waitServed(fixture.port, ROLE, 15_000);
  return served === undefined ? undefined : Date.now() - start;
}

async function expectRunning(t: Test, fixture: ServiceFixture, what: string): Promise<void> {
  const ms = await restartServed(fixture);
  const status = ms === undefined ? await fixture.manager.systemctlInside(['status', SERVICE]) : undefined;
  t.not(ms, undefined, `${what}: a restart serves a credential${status === undefined ? '' : `\n${status.stdout}${status.stderr}`}`);
  t.equal(await waitProperty(fixture.env, SERVICE, 'ActiveState', (v) => v === 'active'), 'active', `${what}: the unit is active`);
  t.equal(await unitProperty(fixture.env, SERVICE, 'NRestarts'), '0', `${what}: it started at the first try (no restart loop)`);
  if (ms !== undefined) t.comment(`${what}: restart to first served credential ${ms} ms`);
}

/** The unit file with ExecStart's CLI word replaced; then daemon-reload. */
async function rewriteCli(fixture: ServiceFixture, unitPath: string, from: string, to: string): Promise<void> {
  writeFileSync(unitPath, readFileSync(unitPath, 'utf8').replace(`"${from}"`, `"${to}"`));
  await systemctl(fixture.env, ['daemon-reload']);
}

async function upgradeTests(t: Test, fixture: ServiceFixture): Promise<void> {
  // Root runs this install (the test's manager is root's), so the prefix is where only root
  // can write, as install-safety.ts demands: not /dev/shm (world-writable) nor /tmp (hidden).
  const prefix = mkdtempSync('/var/lib/imdsd-upgrade-');
  t.teardown(() => rmSync(prefix, { recursive: true, force: true }));
  const bin = join(prefix, 'bin', 'imdsd');
  const packageDir = join(prefix, 'lib', 'node_modules', 'imdsd');
  const unitPath = join(fixture.manager.home, '.config', 'systemd', 'user', SERVICE);
  const env = { ...fixture.env, PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:${fixture.env.PATH ?? '/usr/bin:/bin'}` };
  const tarballA = packedTarball();
  const tarballB = await versionB(t, tarballA);
  t.teardown(() => run(bin, ['uninstall'], env));

  await t.test('version A installed with npm install -g: imdsd install names npm\'s bin link', async (t) => {
    const a = await installInto(prefix, tarballA);
    t.equal(a.code, 0, `npm install -g A exits 0\n${a.stderr}`);
    const install = await run(bin, ['install', '--profile', ROLE, '--port', String(fixture.port)], env);
    t.equal(install.code, 0, `P/bin/imdsd install exits 0\n${install.stdout}${install.stderr}`);
    t.match(readFileSync(unitPath, 'utf8'), new RegExp(`^ExecStart="[^"]+" "${bin}" "run"`, 'm'), `ExecStart runs ${bin}, not a file inside the package`);
    t.not(await waitServed(fixture.port, ROLE, 15_000), undefined, 'the service serves');
  });

  await t.test('version B replaces A in the same prefix: a restart serves again', async (t) => {
    const b = await installInto(prefix, tarballB);
    t.equal(b.code, 0, `npm install -g B exits 0\n${b.stderr}`);
    t.notOk(existsSync(join(packageDir, 'dist', 'src', 'cli', 'main.js')), 'A\'s CLI file is gone: B moved it');
    t.ok(existsSync(join(packageDir, MOVED_CLI)), 'B\'s CLI is in its new place');
    await systemctl(fixture.env, ['reset-failed', SERVICE]);
    await expectRunning(t, fixture, 'after the upgrade');
  });

  await t.test('a unit written by 0.1 (ExecStart names dist/src/daemon/cli.js) still starts after the upgrade', async (t) => {
    await rewriteCli(fixture, unitPath, bin, join(packageDir, LEGACY_CLI));
    t.match(readFileSync(unitPath, 'utf8'), LEGACY_CLI, 'the unit names the 0.1 path');
    await expectRunning(t, fixture, 'through the 0.1 path');
  });

  await t.test('a unit naming a CLI that is gone: doctor names it and prints the install command', async (t) => {
    const gone = join(packageDir, 'dist', 'src', 'cli', 'main.js');
    await rewriteCli(fixture, unitPath, join(packageDir, LEGACY_CLI), gone);
    const doctor = await run(bin, ['doctor', '--json'], env);
    const report = JSON.parse(doctor.stdout) as { findings: Array<{ id: string; level: string; title: string; fix?: string }> };
    const finding = report.findings.find((f) => f.id === 'service-program');
    t.equal(finding?.level, 'problem', `doctor reports service-program as a problem: ${finding?.title ?? doctor.stdout}`);
    t.match(finding?.title, `${gone}, which no longer exists`);
    t.equal(finding?.fix, `imdsd install --profile ${ROLE} --port ${String(fixture.port)}`, 'the fix is the install command with the unit\'s flags');
    await rewriteCli(fixture, unitPath, gone, bin);
  });
}

async function main(t: Test): Promise<void> {
  if (!existsSync(packedTarball())) {
    t.fail(`${packedTarball()} does not exist: run the suite with npm test, which packs first (npm run pack:test)`);
    return;
  }
  const fixture = await startServiceFixture(t);
  if (fixture !== undefined) await upgradeTests(t, fixture);
}

t.setTimeout(600_000);
await main(t);
