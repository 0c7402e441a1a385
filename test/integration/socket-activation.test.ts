/**
 * `imdsd run` takes its listening sockets from a service manager (issue 14): Debian's
 * systemd-socket-activate passes 127.0.0.1 and ::1 sockets the way systemd does, and
 * direct spawns with crafted LISTEN_* variables check that every bad hand-over is a
 * one-line error with exit 78, never a silent bind of the port.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { cleanEnv, runCli, type DaemonProcess } from '../support/daemon-process.js';
import { waitUntil } from '../support/wait-until.js';
import { freePort } from '../support/free-port.js';
import { fetchCredential } from '../support/imds-poller.js';
import { reportMissingTool } from '../support/required-tools.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsServer } from '../support/sts-server.js';

const ACTIVATE = '/usr/bin/systemd-socket-activate';
const MISSING = `${ACTIVATE} is missing: apt-get install -y systemd`;
/** Runs the CLI with LISTEN_PID set to its own pid, as a service manager would. */
const AS_LISTEN_PID = ['sh', '-c', 'export LISTEN_PID=$$; exec "$@"', 'sh'];

async function stsEnv(t: Test): Promise<{ sts: StsServer; vars: Record<string, string> }> {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const home = mkdtempSync(join(tmpdir(), 'imdsd-home-'));
  return {
    sts,
    vars: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C',
      AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
    },
  };
}

/** systemd-socket-activate passes only the variables it is given with -E. */
function activated(listen: readonly string[], vars: Record<string, string>, args: string[], fdnames?: string): DaemonProcess {
  const launcher = [ACTIVATE, ...listen.flatMap((address) => ['-l', address]),
    ...Object.entries(vars).flatMap(([name, value]) => ['-E', `${name}=${value}`]), ...(fdnames === undefined ? [] : [`--fdname=${fdnames}`])];
  const proc = runCli(['run', ...args], cleanEnv(), { launcher });
  t.teardown(() => proc.stop());
  return proc;
}

/** systemd-socket-activate prints one "Listening on … as N." line per socket before it waits. */
async function listening(proc: DaemonProcess, count: number): Promise<void> {
  await waitUntil(() => (proc.stderr().match(/Listening on /g) ?? []).length >= count, 10_000);
}

function oneLine(t: Test, stderr: string, pattern: RegExp, what: string): void {
  const lines = stderr.split('\n').filter((line) => line.startsWith('imdsd: '));
  t.equal(lines.length, 1, `${what}: exactly one error line\n${stderr}`);
  t.match(lines[0], pattern, `${what}: the line says why`);
  t.match(lines[0], /\(fix: .+\)$/, `${what}: and how to fix it`);
}

if (!existsSync(ACTIVATE)) reportMissingTool(t, MISSING);

t.test('systemd-socket-activate: the first client waits in the queue and is served on 127.0.0.1 and ::1', { skip: !existsSync(ACTIVATE) }, async (t) => {
  const { vars } = await stsEnv(t);
  const port = await freePort();
  const proc = activated([`127.0.0.1:${port}`, `[::1]:${port}`], vars, ['--role-arn', DEFAULT_ROLE_ARN, '--port', String(port)], 'imdsd.socket:imdsd.socket');
  await listening(proc, 2);
  // The daemon starts only now, on this connection, and fetches a credential before it
  // accepts: the client waits in the kernel's queue instead of being refused.
  t.equal(await fetchCredential(port, 'dev', { timeoutMs: 15_000 }), undefined, 'the first client, which started the daemon, gets the credential');
  t.equal(await fetchCredential(port, 'dev', { host: '::1' }), undefined, 'served over ::1 too');
  const line = await proc.waitFor((l) => l.event === 'listening');
  t.equal(line.socketActivated, true, 'the daemon says it serves on passed sockets');
  t.same(line.addresses, ['127.0.0.1', '::1'], 'both addresses');
  t.equal(line.port, port, 'on the port of the role');
});

t.test('a bad hand-over is one line and exit 78, never a bind of its own', async (t) => {
  const { vars } = await stsEnv(t);
  const port = await freePort();
  const args = ['--role-arn', DEFAULT_ROLE_ARN, '--port', String(port)];
  const direct = async (env: Record<string, string>, launcher: readonly string[] = AS_LISTEN_PID): Promise<DaemonProcess> => {
    const proc = runCli(['run', ...args], { ...vars, ...env }, { launcher });
    t.teardown(() => proc.stop());
    await proc.exited;
    return proc;
  };

  const otherPid = await direct({ LISTEN_FDS: '1', LISTEN_PID: '1' }, []);
  t.equal(await otherPid.exited, 78, 'LISTEN_PID of another process: exit 78');
  oneLine(t, otherPid.stderr(), /LISTEN_PID=1 is not this process/, 'LISTEN_PID of another process');

  const badCount = await direct({ LISTEN_FDS: 'two' });
  t.equal(await badCount.exited, 78, 'LISTEN_FDS not a number: exit 78');
  oneLine(t, badCount.stderr(), /LISTEN_FDS="two" is not a positive number/, 'LISTEN_FDS not a number');

  const names = await direct({ LISTEN_FDS: '1', LISTEN_FDNAMES: 'a:b' });
  t.equal(await names.exited, 78, 'LISTEN_FDNAMES of another length: exit 78');
  oneLine(t, names.stderr(), /LISTEN_FDNAMES names 2 sockets but LISTEN_FDS is 1/, 'LISTEN_FDNAMES of another length');

  const file = join(mkdtempSync(join(tmpdir(), 'imdsd-fd-')), 'not-a-socket');
  writeFileSync(file, 'x');
  // (A closed fd 3 cannot be shown here: Node opens fds of its own at start-up.)
  const regular = await direct({ LISTEN_FDS: '1' }, ['sh', '-c', `export LISTEN_PID=$$; exec "$@" 3<'${file}'`, 'sh']);
  t.equal(await regular.exited, 78, 'fd 3 a regular file: exit 78');
  oneLine(t, regular.stderr(), /fd 3 \(unknown\) is not a socket/, 'fd 3 a regular file');

  t.equal(await fetchCredential(port, 'dev'), 'ECONNREFUSED', 'none of them bound the port itself');
});

t.test('sockets that do not match the roles are refused with exit 78', { skip: !existsSync(ACTIVATE) }, async (t) => {
  const { vars } = await stsEnv(t);
  const port = await freePort();
  const other = await freePort();
  const wrongPort = activated([`127.0.0.1:${other}`], vars, ['--role-arn', DEFAULT_ROLE_ARN, '--port', String(port)]);
  await listening(wrongPort, 1);
  await fetchCredential(other, 'dev', { timeoutMs: 200 });
  t.equal(await wrongPort.exited, 78, 'a socket on another port than the role\'s: exit 78');
  oneLine(t, wrongPort.stderr(), new RegExp(`listens on 127.0.0.1 port ${other}, which no role serves \\(dev on ${port}\\)`), 'a socket on another port');
  t.equal(await fetchCredential(port, 'dev'), 'ECONNREFUSED', 'and the role\'s own port was not bound instead');

  const dir = mkdtempSync(join(tmpdir(), 'imdsd-unix-'));
  const unix = activated([join(dir, 'sock')], vars, ['--role-arn', DEFAULT_ROLE_ARN, '--port', String(port)]);
  await listening(unix, 1);
  await new Promise<void>((resolve) => {
    const socket = connect(join(dir, 'sock'));
    socket.on('error', () => resolve());
    socket.on('close', () => resolve());
  });
  t.equal(await unix.exited, 78, 'a Unix socket: exit 78');
  oneLine(t, unix.stderr(), /fd 3 \(unknown\) is not a TCP socket/, 'a Unix socket');

  const second = await freePort();
  const config = join(mkdtempSync(join(tmpdir(), 'imdsd-config-')), 'imdsd.json');
  writeFileSync(config, JSON.stringify({ roles: [{ roleArn: DEFAULT_ROLE_ARN, port }, { roleArn: DEFAULT_ROLE_ARN, roleName: 'ops', port: second }] }));
  const fewer = activated([`127.0.0.1:${port}`], vars, ['--config', config]);
  await listening(fewer, 1);
  await fetchCredential(port, 'dev', { timeoutMs: 200 });
  t.equal(await fewer.exited, 78, 'fewer sockets than roles: exit 78');
  oneLine(t, fewer.stderr(), new RegExp(`no passed socket is on port ${second} of role ops`), 'fewer sockets than roles');
});
