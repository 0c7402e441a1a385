/**
 * Issue 11: what people install is what is tested. The tarball `npm test` packed is
 * installed with `npm install -g --prefix`, with no registry, and every command is run
 * from that prefix as a user would: the daemon against the local STS with a real SDK
 * client, status, doctor, env, credential-process, install --print, run --config.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import t from 'tap';
import { REPO_ROOT, cleanEnv, runCli, runImdsd, type CliRun } from '../support/daemon-process.js';
import { runSdkClient } from '../support/sdk-client-run.js';
import { installPacked, type PackedInstall } from '../support/packed-install.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer } from '../support/sts-server.js';

/** Runs the installed `imdsd` by its bin link, with the running node first on PATH. */
function imdsd(pkg: PackedInstall, args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return runImdsd(args, { ...env, PATH: `${dirname(process.execPath)}:${env.PATH ?? ''}` }, { command: [pkg.bin] });
}

function sourceEnv(sts: StsServer, home: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...home,
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey,
    AWS_ENDPOINT_URL_STS: sts.url,
  };
}

t.test('the packed tarball installs globally with no registry and no npm warning', async (t) => {
  const pkg = await installPacked();
  t.comment(`installed ${pkg.tarball} into ${pkg.prefix}`);
  t.ok(existsSync(pkg.bin), 'npm linked bin/imdsd');
  const warnings = pkg.npmOutput.split('\n').filter((line) => /\bwarn\b/i.test(line));
  t.same(warnings, [], 'npm printed no warning while installing');
  const manifest = JSON.parse(readFileSync(join(pkg.packageDir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  t.equal(manifest.scripts?.prepare, undefined, 'the published manifest has no prepare script');
  // The checkout keeps it: a clean clone builds on `npm ci` (.ci/run's clone under /tmp relies
  // on it). pack:test strips it from package.json for a few seconds; a commit made in that
  // window once lost it, so the committed manifest is checked too, not only the file on disk.
  const checkout = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  t.equal(checkout.scripts?.prepare, 'npm run build', "the checkout's package.json builds on install (prepare)");
  const committed = spawnSync('git', ['show', 'HEAD:package.json'], { cwd: REPO_ROOT, encoding: 'utf8' });
  if (committed.status === 0) {
    const head = JSON.parse(committed.stdout) as { scripts?: Record<string, string> };
    t.equal(head.scripts?.prepare, 'npm run build', 'and so does the committed one (git show HEAD:package.json)');
  }
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
  for (const dep of ['@aws-sdk/client-sts', 'fastify', 'pino']) {
    const installed = JSON.parse(readFileSync(join(pkg.packageDir, 'node_modules', dep, 'package.json'), 'utf8')) as { version: string };
    t.equal(installed.version, lock.packages[`node_modules/${dep}`]?.version, `${dep} is the version CI tested (bundled)`);
  }
  const version = await imdsd(pkg, ['version'], cleanEnv());
  t.equal(version.code, 0, 'imdsd version exits 0');
  t.match(version.stdout, /^\d+\.\d+\.\d+/, `it prints the version: ${version.stdout.trim()}`);
  // Units written by 0.1 run dist/src/daemon/cli.js (issue 19): the package keeps a shim there.
  const legacy = await runImdsd(['version'], cleanEnv(), { command: [process.execPath, join(pkg.packageDir, 'dist', 'src', 'daemon', 'cli.js')] });
  t.equal(legacy.code, 0, `the 0.1 CLI path still runs the CLI: ${legacy.stderr}`);
  t.equal(legacy.stdout, version.stdout, 'and prints the same version');
});

t.test('from the installed prefix: run, a real SDK, status, env, credential-process, doctor', async (t) => {
  const pkg = await installPacked();
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const home = cleanEnv();
  const env = sourceEnv(sts, home);
  const path = `${dirname(process.execPath)}:${env.PATH ?? ''}`;
  const daemon = runCli(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--region', 'us-east-1'], { ...env, PATH: path }, { command: [pkg.bin] });
  t.teardown(() => daemon.stop());
  const listening = await daemon.waitFor((line) => line.event === 'listening', 20_000);
  const port = Number(listening.port);

  const client = await runSdkClient(cleanEnv({
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/`, AWS_ENDPOINT_URL_STS: sts.url, AWS_REGION: 'us-east-1',
  }));
  t.ok(client.ok, `the SDK v3 default chain got the credential: ${client.error ?? ''}`);
  t.match(client.arn, /assumed-role\/dev\//, 'and STS accepted it');

  const status = await imdsd(pkg, ['status', '--json'], home);
  t.equal(status.code, 0, `status exits 0: ${status.stderr}`);
  t.match(JSON.parse(status.stdout), { roles: [{ roleName: 'dev' }] }, 'status reports the role');

  const exports = await imdsd(pkg, ['env', '--shell', 'bash'], home);
  t.equal(exports.code, 0, `env exits 0: ${exports.stderr}`);
  t.match(exports.stdout, `export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://localhost:${port}/'`, 'env exports the endpoint');

  const document = await imdsd(pkg, ['credential-process', '--role', 'dev'], home);
  t.equal(document.code, 0, `credential-process exits 0: ${document.stderr}`);
  t.match(JSON.parse(document.stdout), { Version: 1, AccessKeyId: /^ASIA/ }, 'credential-process prints the document');

  const doctor = await imdsd(pkg, ['doctor', '--json'], { ...home, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/` });
  t.not(doctor.code, 78, `doctor runs: ${doctor.stderr}`);
  const report = JSON.parse(doctor.stdout) as { findings: Array<{ id: string; level: string }> };
  t.match(report.findings.find((f) => f.id === 'daemon-running'), { level: 'ok' }, 'doctor finds the daemon running');
});

t.test('from the installed prefix: install --print for both platforms, run --config', async (t) => {
  const pkg = await installPacked();
  const home = cleanEnv();
  const unit = await imdsd(pkg, ['install', '--print', '--platform', 'linux', '--role-arn', DEFAULT_ROLE_ARN], home);
  t.equal(unit.code, 0, `install --print --platform linux exits 0: ${unit.stderr}`);
  const execStart = unit.stdout.split('\n').find((line) => line.startsWith('ExecStart=')) ?? '';
  t.match(execStart, `"${pkg.bin}" "run"`, "the unit runs npm's bin link, which every npm install -g of a new version rewrites (issue 19)");
  t.notMatch(execStart, REPO_ROOT, 'and nothing of the checkout');
  const plist = await imdsd(pkg, ['install', '--print', '--platform', 'macos', '--role-arn', DEFAULT_ROLE_ARN], home);
  t.equal(plist.code, 0, `install --print --platform macos exits 0: ${plist.stderr}`);
  t.match(plist.stdout, `<string>${pkg.bin}</string>`, "the plist runs npm's bin link too");

  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const file = join(mkdtempSync(join(tmpdir(), 'imdsd-packed-')), 'imdsd.json');
  writeFileSync(file, JSON.stringify({ roles: [{ roleArn: DEFAULT_ROLE_ARN, port: 0 }] }));
  const path = `${dirname(process.execPath)}:${home.PATH ?? ''}`;
  const daemon = runCli(['run', '--config', file], { ...sourceEnv(sts, home), PATH: path }, { command: [pkg.bin] });
  t.teardown(() => daemon.stop());
  const listening = await daemon.waitFor((line) => line.event === 'listening', 20_000);
  t.ok(Number(listening.port) > 0, 'run --config validates the file with the packaged schema and listens');
  t.equal(await daemon.stop(), 0, 'and shuts down cleanly');
});
