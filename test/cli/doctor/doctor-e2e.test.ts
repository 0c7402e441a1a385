/**
 * Issue 6: `imdsd doctor` against a real daemon (the built CLI, `imdsd run`, against the local
 * STS): a clean shell exits 0, a shell with exported keys or no daemon exits 1. Once in
 * process, and once through the built CLI as a user runs it.
 */
import t, { type Test } from 'tap';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import { cleanEnv, runImdsd, startDaemonProcess } from '../../support/daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../../support/sts-server.js';

interface Report { findings: Array<{ id: string; level: string; title: string; fix?: string }>; problems: number; warnings: number }

/** A daemon serving role dev, and the environment of a shell set up with `eval "$(imdsd env)"` (no AWS keys). */
async function daemonAndShell(t: Test): Promise<{ shell: NodeJS.ProcessEnv; port: number; pid: number | undefined; stop: () => Promise<unknown> }> {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const daemonEnv = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], daemonEnv);
  t.teardown(() => daemon.stop());
  await daemon.waitFor((line) => line.event === 'control');
  const shell: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: daemonEnv.HOME, LANG: 'C',
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${daemon.port}/`,
    HTTP_PROXY: 'http://proxy.invalid:3128', NO_PROXY: 'corp.example,localhost,127.0.0.1,::1',
  };
  return { shell, port: daemon.port, pid: daemon.child.pid, stop: () => daemon.stop() };
}

/**
 * On a heavily loaded machine a local answer can take over a second, which doctor rightly
 * calls a problem (imds-latency); run once more before judging a healthy setup.
 */
async function unlessOnlySlow<T extends { code: number | string; report: Report }>(run: () => Promise<T>): Promise<T> {
  const first = await run();
  const problems = first.report.findings.filter((f) => f.level === 'problem');
  return problems.length > 0 && problems.every((f) => f.id === 'imds-latency') ? run() : first;
}

async function inProcess(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; report: Report }> {
  let out = '';
  const code = await doctorCommand(argv, {
    env, home: String(env.HOME), now: () => Date.now(), out: (text) => { out += text; }, err: () => {}, interrupted: new Promise(() => {}),
  });
  return { code, report: JSON.parse(out) as Report };
}


const levels = (report: Report): Record<string, string> => Object.fromEntries(report.findings.map((f) => [f.id, f.level]));

t.test('in process: a healthy daemon and a clean shell exit 0; exported keys exit 1', async (t) => {
  const { shell, port, pid, stop } = await daemonAndShell(t);
  const clean = await unlessOnlySlow(() => inProcess(['--json'], shell));
  t.equal(clean.code, 0, `exit 0: ${JSON.stringify(clean.report.findings.filter((f) => f.level !== 'ok'))}`);
  t.equal(clean.report.problems, 0, 'no problem');
  t.match(levels(clean.report), {
    'daemon-running': 'ok', 'daemon-credential': 'ok', 'imds-reachable': 'ok', 'imds-latency': 'ok', 'env-static-keys': 'ok', 'env-endpoint': 'ok',
    'proxy-no-proxy': 'ok', 'shared-profile': 'ok', 'clock-offset': 'ok', 'port-owner': 'ok',
  }, 'each check ok against the real daemon');
  t.match(clean.report.findings.find((f) => f.id === 'imds-reachable')?.title, `http://localhost:${port}/ answers the IMDSv2 sequence (token, role list, credential of dev)`, 'the real IMDS sequence');
  t.match(clean.report.findings.find((f) => f.id === 'port-owner')?.title, new RegExp(`^port ${port} is (held by imdsd \\(pid ${pid}|imdsd's)`), 'the port is the daemon\'s');

  const keys = await inProcess(['--json'], { ...shell, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 'x', NO_PROXY: 'corp.example' });
  t.equal(keys.code, 1, 'exit 1');
  t.match(levels(keys.report), { 'env-static-keys': 'problem', 'proxy-no-proxy': 'problem' }, 'the exported keys and the proxy');

  const wrongPort = await inProcess(['--json'], { ...shell, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port + 1}/` });
  t.equal(wrongPort.code, 1, 'exit 1 for an endpoint on the wrong port');
  t.match(levels(wrongPort.report), { 'env-endpoint': 'problem' }, 'env-endpoint');

  await stop();
  const stopped = await inProcess(['--json'], shell);
  t.equal(stopped.code, 1, 'exit 1 once the daemon is stopped');
  t.match(levels(stopped.report), { 'daemon-running': 'problem', 'imds-reachable': 'problem' }, 'not running, not reachable');
});

t.test('the built CLI: `imdsd doctor` exits 0 for a healthy setup and 1 for a broken shell', async (t) => {
  const { shell } = await daemonAndShell(t);
  const probe = await runImdsd(['doctor', '--json'], shell);
  if (/unknown command "doctor"/.test(probe.stderr)) {
    t.fail('doctor is not wired into main.ts: add `doctor: doctorCommand` (src/cli/commands/doctor.js) to CLIENT_COMMANDS');
    return;
  }
  const json = await unlessOnlySlow(async () => {
    const run = await runImdsd(['doctor', '--json'], shell);
    return { ...run, report: JSON.parse(run.stdout) as Report };
  });
  t.equal(json.code, 0, `exit 0: ${json.stdout}${json.stderr}`);
  t.equal(json.report.problems, 0, 'no problem in --json');
  const human = await runImdsd(['doctor'], shell);
  t.match(human.stdout, /^✔ ok +daemon-running +imdsd .* is running/m, 'the human report');
  t.match(human.stdout, /\n\n(no problems|\d+ problems?)/, 'and its verdict');
  const broken = await runImdsd(['doctor', '--json'], { ...shell, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 'x' });
  t.equal(broken.code, 1, 'exit 1 with exported keys');
  const report = JSON.parse(broken.stdout) as Report;
  t.match(levels(report), { 'env-static-keys': 'problem' }, 'reported as env-static-keys');
});
