/**
 * imdsd under a real systemd (issue 11, item 3; issue 14): `imdsd install` as users run it,
 * against a real systemd user manager (test/support/user-manager.ts), the built CLI
 * (or IMDSD_CLI) and the local SigV4-verifying STS. It measures what clients see when the
 * daemon is killed or restarted, and prints the figures as comments. Without root or
 * systemd the file says why and skips, unless IMDSD_REQUIRE_CLIENTS=1 (CI), where that
 * is a failure. From a checkout under /tmp (hidden from the unit by PrivateTmp=yes) the
 * fixture exposes the checkout at a path the unit sees (service-fixture.ts).
 *
 * No step sleeps: each waits for what it needs (a served poll, a unit property), and the
 * times it measures are comments, never assertions (issue 19).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runSdkClient, type SdkClientOutcome } from '../support/sdk-client-run.js';
import { CLI_UNDER_TEST, runImdsd, UNDER_TEST } from '../support/daemon-process.js';
import { fetchCredential, startPoller, summarize, waitServed } from '../support/imds-poller.js';
import { BROKEN_PROFILE, PROFILE, ROLE, startServiceFixture, type ServiceFixture } from '../support/service-fixture.js';
import { refusalFor, signalChecked } from '../support/signal.js';
import { DEFAULT_ROLE_ARN } from '../support/sts-server.js';
import { systemctl, unitProperty, waitProperty } from '../support/systemctl.js';

const SERVICE = 'imdsd.service';
const SOCKET = 'imdsd.socket';
const RESTARTS = 10;

function sdkClient(fixture: ServiceFixture): Promise<SdkClientOutcome> {
  const env = {
    PATH: process.env.PATH, HOME: fixture.manager.home, LANG: 'C', AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_STS: fixture.sts.url,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${fixture.port}/`, AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
  return runSdkClient(env);
}

/**
 * The service's main pid, or undefined after failing `t` with the unit's state: MainPID
 * is 0 when the unit is dead, and a 0 must never reach a kill (it is the caller's own
 * process group).
 */
async function mainPid(t: Test, fixture: ServiceFixture): Promise<number | undefined> {
  const pid = Number(await unitProperty(fixture.manager.env, SERVICE, 'MainPID'));
  if (refusalFor(pid) === undefined) return pid;
  const state = await Promise.all(['ActiveState', 'SubState', 'Result', 'NRestarts', 'ExecMainStatus', 'ExecStart']
    .map(async (name) => `${name}=${await unitProperty(fixture.manager.env, SERVICE, name)}`));
  const status = await fixture.manager.systemctlInside(['status', SERVICE]);
  t.fail(`${SERVICE} has no main process (MainPID=${pid}): ${state.join(' ')}\n${status.stdout}${status.stderr}`);
  return undefined;
}

async function serviceTests(fixture: ServiceFixture): Promise<void> {
  const { env, port } = fixture;

  await t.test('imdsd install writes the unit, enables and starts it, and the SDK gets a credential STS accepts', async (t) => {
    const install = await fixture.imdsd(['install', '--profile', ROLE, '--port', String(port)]);
    t.equal(install.code, 0, `imdsd install exits 0\n${install.stdout}${install.stderr}`);
    for (const unit of [SERVICE, SOCKET]) {
      t.ok(existsSync(join(fixture.manager.home, '.config', 'systemd', 'user', unit)), `${unit} is in ~/.config/systemd/user`);
      t.equal((await systemctl(env, ['is-enabled', unit])).stdout.trim(), 'enabled', `systemctl --user is-enabled ${unit}: enabled`);
      t.equal((await systemctl(env, ['is-active', unit])).stdout.trim(), 'active', `systemctl --user is-active ${unit}: active`);
    }
    t.match(await unitProperty(env, SERVICE, 'ActiveEnterTimestampMonotonic'), /^[1-9]/, 'the service was started by install, not left for the first client');
    t.not(await waitServed(port, ROLE), undefined, 'the IMDS port serves the credential');
    const client = await sdkClient(fixture);
    t.ok(client.ok, `the SDK v3 default chain got a credential through the service: ${client.error ?? ''}`);
    t.match(client.arn, /^arn:aws:sts::123456789012:assumed-role\/dev\//, 'and STS accepted it (GetCallerIdentity)');
  });

  await t.test('the unit as installed stays active with its hardening applied', async (t) => {
    const pid = await mainPid(t, fixture);
    if (pid === undefined) return;
    t.not(await waitServed(port, ROLE), undefined, 'it serves a credential');
    t.equal(await unitProperty(env, SERVICE, 'ActiveState'), 'active', 'still active after serving');
    t.equal(await unitProperty(env, SERVICE, 'NRestarts'), '0', 'never restarted since install (no 226/NAMESPACE loop)');
    t.equal(await mainPid(t, fixture), pid, 'the same process');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    t.match(status, /^NoNewPrivs:\s+1$/m, 'NoNewPrivileges= applied');
    t.match(status, /^Seccomp:\s+2$/m, 'a seccomp filter applied (RestrictAddressFamilies=, SystemCallArchitectures=, …)');
    const mounts = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((line) => line.split(' '));
    const options = (point: string): string => mounts.filter((cols) => cols[4] === point).map((cols) => cols[5]).pop() ?? 'not mounted';
    t.match(options('/'), /^ro\b/, 'ProtectSystem=strict: / is read-only');
    t.match(options('/proc/sys'), /^ro\b/, 'ProtectKernelTunables=: /proc/sys is read-only');
    t.match(options('/sys/fs/cgroup'), /^ro\b/, 'ProtectControlGroups=: /sys/fs/cgroup is read-only');
    t.not(options('/tmp'), 'not mounted', 'PrivateTmp=: /tmp is a mount of its own');
  });

  await t.test('imdsd status and imdsd refresh talk to the service-started daemon', async (t) => {
    const pid = await mainPid(t, fixture);
    if (pid === undefined) return;
    const status = await runImdsd(['status'], fixture.manager.env, UNDER_TEST);
    t.equal(status.code, 0, `imdsd status exits 0 (every role holds a credential)\n${status.stderr}`);
    t.match(status.stdout, new RegExp(`pid ${pid},`), 'it reports the service\'s main pid');
    const refresh = await runImdsd(['refresh'], fixture.manager.env, UNDER_TEST);
    t.equal(refresh.code, 0, `imdsd refresh exits 0\n${refresh.stderr}`);
    t.match(refresh.stdout, /^dev: refreshed, expires /, 'and reports the new expiry');
    const doctor = await runImdsd(['doctor', '--json'], { ...fixture.manager.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/` }, UNDER_TEST);
    const findings = (JSON.parse(doctor.stdout) as { findings: Array<{ id: string; level: string; title: string }> }).findings;
    t.match(findings.find((finding) => finding.id === 'port-owner'), { level: 'ok', title: new RegExp(`held by imdsd \\(pid ${pid}`) },
      'imdsd doctor finds the daemon among the holders of the socket systemd passed');
  });

  await t.test('after kill -9 systemd restarts the daemon and clients get credentials again, none turned away', async (t) => {
    const pid = await mainPid(t, fixture);
    if (pid === undefined) return;
    const poller = startPoller(port, ROLE);
    t.teardown(() => poller.stop());
    t.not(await poller.servedSince(0), undefined, 'the poller is served before the kill');
    const killedAtMs = Date.now();
    signalChecked(pid, 'SIGKILL');
    const newPid = await waitProperty(env, SERVICE, 'MainPID', (value) => value !== '0' && value !== String(pid));
    t.not(newPid, String(pid), 'systemd started a new process');
    const recovered = await waitServed(port, ROLE);
    const attempts = await poller.stop();
    const firstOk = attempts.find((attempt) => attempt.ok && attempt.startedAtMs > killedAtMs);
    const recoveryMs = firstOk === undefined ? Infinity : firstOk.endedAtMs - killedAtMs;
    const during = summarize(attempts.filter((attempt) => attempt.startedAtMs >= killedAtMs));
    t.comment(`kill -9: credentials served again ${recoveryMs} ms after the kill; ${during.failed} of ${during.total} polls (every 50 ms) failed${during.failed > 0 ? `: ${during.reasons}` : ''}`);
    t.not(recovered, undefined, 'credentials are served again');
    t.equal(during.turnedAway, 0, `no poll was refused: imdsd.socket kept the port, the kernel queued them (${during.reasons})`);
  });

  await t.test(`systemctl --user restart imdsd, ${RESTARTS} times under a client polling every 50 ms`, async (t) => {
    const poller = startPoller(port, ROLE);
    t.teardown(() => poller.stop());
    const restartMs: number[] = [];
    for (let i = 0; i < RESTARTS; i++) {
      // Each restart hits a service the poller has been served by since the last one.
      t.not(await poller.servedSince(restartMs.length === 0 ? 0 : Date.now()), undefined, `polled and served before restart ${i + 1}`);
      const at = Date.now();
      const restart = await systemctl(env, ['restart', SERVICE]);
      t.equal(restart.code, 0, `restart ${i + 1} succeeds ${restart.stderr}`);
      t.not(await waitServed(port, ROLE), undefined, `served again after restart ${i + 1}`);
      restartMs.push(Date.now() - at);
    }
    const summary = summarize(await poller.stop());
    t.comment(`${RESTARTS} restarts (each ${Math.min(...restartMs)}–${Math.max(...restartMs)} ms until served, load average ${loadavg()[0]?.toFixed(1)}): ${summary.failed} of ${summary.total} polls failed${summary.failed > 0 ? `: ${summary.reasons}` : ''}`);
    t.equal(summary.turnedAway, 0, `no poll refused, reset or given a 401 across ${RESTARTS} restarts (issue 14) ${summary.reasons}`);
  });

  await t.test('a configuration error (exit 78) is not restarted in a loop, and status shows why', async (t) => {
    writeFileSync(fixture.configFile, BROKEN_PROFILE, { mode: 0o600 });
    t.teardown(() => writeFileSync(fixture.configFile, PROFILE, { mode: 0o600 }));
    await systemctl(env, ['restart', SERVICE]);
    t.equal(await waitProperty(env, SERVICE, 'ActiveState', (value) => value === 'failed'), 'failed', 'the unit fails');
    t.equal(await unitProperty(env, SERVICE, 'ExecMainStatus'), '78', 'with exit 78');
    // A restart systemd had scheduled would show as activating/auto-restart; failed/failed
    // is the state it reaches only when RestartPreventExitStatus= ruled the restart out.
    t.equal(await unitProperty(env, SERVICE, 'SubState'), 'failed', 'SubState failed, not auto-restart: no restart is scheduled');
    t.equal(await unitProperty(env, SERVICE, 'Result'), 'exit-code', 'the result is the exit code');
    const status = await fixture.manager.systemctlInside(['status', SERVICE]);
    t.match(status.stdout, /imdsd: .*profile dev: role_arn is missing.*\(fix: /, `systemctl --user status imdsd shows the one-line reason\n${status.stdout}`);
    writeFileSync(fixture.configFile, PROFILE, { mode: 0o600 });
    const restart = await systemctl(env, ['restart', SERVICE]);
    t.equal(restart.code, 0, 'once fixed, a restart works');
    t.not(await waitServed(port, ROLE), undefined, 'and it serves again');
  });

  await t.test('imdsd uninstall stops and removes everything; a second uninstall has nothing to remove', async (t) => {
    const uninstall = await fixture.imdsd(['uninstall']);
    t.equal(uninstall.code, 0, `imdsd uninstall exits 0\n${uninstall.stderr}`);
    for (const unit of [SERVICE, SOCKET]) {
      t.notOk(existsSync(join(fixture.manager.home, '.config', 'systemd', 'user', unit)), `${unit} is removed`);
      t.not((await systemctl(env, ['is-active', unit])).stdout.trim(), 'active', `${unit} is not running`);
    }
    t.equal((await systemctl(env, ['list-unit-files', 'imdsd*', '--no-legend'])).stdout.trim(), '', 'systemd knows no imdsd unit file');
    t.not(await fetchCredential(port, ROLE), undefined, 'the port serves nothing');
    const again = await fixture.imdsd(['uninstall']);
    t.equal(again.code, 0, 'a second uninstall exits 0');
    t.match(again.stdout, /not installed .*nothing to do/, `and says there is nothing to remove: ${again.stdout}`);
  });
}

async function main(t: Test): Promise<void> {
  const fixture = await startServiceFixture(t);
  if (fixture === undefined) return;
  t.teardown(() => fixture.imdsd(['uninstall']));
  if (fixture.cli !== CLI_UNDER_TEST) t.comment(`${CLI_UNDER_TEST} is under /tmp or /var/tmp, hidden by PrivateTmp=yes: the service runs ${fixture.cli}, the checkout bind-mounted read-only in the manager's namespace`);
  await serviceTests(fixture);
}

await main(t);
