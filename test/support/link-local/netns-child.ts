/**
 * Runs inside the network namespace that test/integration/link-local.test.ts creates
 * (`unshare --net`, as root): brings up `lo` with 169.254.169.254/32 and fd00:ec2::254/128,
 * starts the local STS, then the daemon as the unprivileged owner under Debian's
 * `systemd-socket-activate -l 169.254.169.254:80 -l [fd00:ec2::254]:80` (setpriv execs
 * node in the same process, so LISTEN_PID matches), and runs the client matrix. Nothing
 * leaves the namespace: its only interface is its own `lo`.
 *
 * argv[2] is the JSON of {@link ChildPlan}; every result is one JSON line on stdout
 * ({"event": …}), and the process exits once the daemon and the STS are stopped.
 */
import { execFileSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCli, runImdsd, type DaemonProcess } from '../daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../sts-server.js';
import { ACTIVATE, curlAs, refusals, SESSION_NAME, SETPRIV, zeroConfigMatrix, type Account, type ChildPlan } from './clients.js';

function emit(event: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/**
 * Only in a fresh namespace: there no interface is up yet. Anywhere else (the host, by a
 * mistaken import or run) the address would land on the machine's own `lo`.
 */
function bringUpLoopback(): void {
  const up = Object.keys(networkInterfaces());
  if (up.length > 0) throw new Error(`not in a fresh network namespace (interfaces up: ${up.join(', ')}): refusing to touch lo`);
  execFileSync('ip', ['link', 'set', 'lo', 'up']);
  execFileSync('ip', ['addr', 'add', '169.254.169.254/32', 'dev', 'lo']);
  execFileSync('ip', ['-6', 'addr', 'add', 'fd00:ec2::254/128', 'dev', 'lo', 'nodad']);
}

/** The daemon as the owner, on the two sockets systemd-socket-activate passes. */
function startDaemon(plan: ChildPlan, stsUrl: string): DaemonProcess {
  const vars = {
    PATH: '/usr/bin:/bin', HOME: plan.owner.home, LANG: 'C',
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: stsUrl,
  };
  const launcher = [ACTIVATE, '-l', '169.254.169.254:80', '-l', '[fd00:ec2::254]:80',
    ...Object.entries(vars).flatMap(([name, value]) => ['-E', `${name}=${value}`]),
    SETPRIV, `--reuid=${plan.owner.uid}`, `--regid=${plan.owner.gid}`, '--clear-groups', '--'];
  return runCli(['run', '--role-arn', DEFAULT_ROLE_ARN, '--port', '80', '--link-local', '--region', 'us-east-1',
    '--session-name', SESSION_NAME, '--no-desktop-notify', '--control-socket', join(plan.owner.home, 'run', 'control.sock')],
  { PATH: '/usr/bin:/bin', LANG: 'C' }, { launcher });
}

/** `imdsd doctor --json`, `imdsd env` and `imdsd status` in the owner's shell: no variable, the control socket named. */
async function doctorAs(owner: Account): Promise<Record<string, unknown>> {
  const socket = join(owner.home, 'run', 'control.sock');
  const shell = { PATH: '/usr/bin:/bin', HOME: owner.home, LANG: 'C' };
  const asOwner = { launcher: [SETPRIV, `--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', '--'] };
  const doctor = await runImdsd(['doctor', '--json', '--control-socket', socket], shell, asOwner);
  const env = await runImdsd(['env', '--shell', 'bash', '--control-socket', socket], shell, asOwner);
  const status = await runImdsd(['status', '--control-socket', socket], shell, asOwner);
  let findings: unknown = doctor.stdout;
  try {
    findings = (JSON.parse(doctor.stdout) as { findings: unknown }).findings;
  } catch {
    // Reported as the raw text.
  }
  return { findings, env: env.stdout, status: status.stdout, stderr: `${doctor.stderr}${env.stderr}${status.stderr}` };
}

async function main(plan: ChildPlan): Promise<void> {
  bringUpLoopback();
  const sts = await startStsServer();
  const daemon = startDaemon(plan, sts.url);
  try {
    // systemd-socket-activate starts the daemon at the first connection, which waits in
    // the socket's queue meanwhile: this one gets no 1 s client timeout.
    const first = await curlAs(plan.owner, ['--max-time', '30', '-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60', 'http://169.254.169.254/latest/api/token']);
    emit('started', { status: first.status, pid: daemon.child.pid });
    const listening = await daemon.waitFor((line) => line.event === 'listening', 20_000);
    emit('listening', { line: listening });
    for (const outcome of await zeroConfigMatrix(plan.owner, { stsUrl: sts.url, goClient: plan.goClient, rubyClient: plan.rubyClient })) {
      emit('client', { ...outcome });
    }
    emit('refusals', { statuses: await refusals(plan.owner, plan.peer) });
    emit('doctor', await doctorAs(plan.owner));
  } finally {
    emit('daemon', { exit: await daemon.stop(), lines: daemon.lines, stderr: daemon.stderr() });
    emit('sts', { calls: sts.calls });
    await sts.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(JSON.parse(process.argv[2] ?? '{}') as ChildPlan).catch((error: unknown) => {
    emit('error', { message: String((error as Error).stack ?? error) });
    process.exitCode = 1;
  });
}
