/**
 * Reading systemd's LISTEN_* variables (issue 14): what is taken, what is refused, and
 * that the variables are gone afterwards so that no child inherits them.
 */
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isImdsdError } from '../../src/errors.js';
import { notASocket, takePassedSockets } from '../../src/daemon/socket-activation.js';

const sockets = (): undefined => undefined;

function refusal(fn: () => unknown): { code?: string; message?: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    return isImdsdError(error) ? { code: error.code, message: error.message, hint: error.hint } : { message: String(error) };
  }
  return {};
}

t.test('without LISTEN_FDS the daemon binds as before', async (t) => {
  const env: NodeJS.ProcessEnv = { PATH: '/bin' };
  t.equal(takePassedSockets(env, 42, sockets), undefined, 'no passed sockets');
  t.same(env, { PATH: '/bin' }, 'the environment is untouched');
});

t.test('the sockets from fd 3 on, named by LISTEN_FDNAMES, and the variables are removed', async (t) => {
  const env: NodeJS.ProcessEnv = { LISTEN_FDS: '2', LISTEN_PID: '42', LISTEN_FDNAMES: 'imdsd.socket:v6', PATH: '/bin' };
  t.same(takePassedSockets(env, 42, sockets), [{ fd: 3, name: 'imdsd.socket' }, { fd: 4, name: 'v6' }], 'fds 3 and 4 with their names');
  t.same(env, { PATH: '/bin' }, 'LISTEN_FDS, LISTEN_PID and LISTEN_FDNAMES are gone');
  t.same(takePassedSockets({ LISTEN_FDS: '1', LISTEN_PID: '7' }, 7, sockets), [{ fd: 3, name: 'unknown' }], 'unnamed: "unknown", as sd_listen_fds_with_names says');
});

t.test('each bad hand-over is IMDSD_ERR_SOCKET_ACTIVATION with a hint, and the variables are removed anyway', async (t) => {
  const cases: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['LISTEN_PID of another process', { LISTEN_FDS: '1', LISTEN_PID: '1' }, /LISTEN_PID=1 is not this process \(42\)/],
    ['LISTEN_PID missing', { LISTEN_FDS: '1' }, /LISTEN_PID=\(unset\) is not this process/],
    ['LISTEN_FDS zero', { LISTEN_FDS: '0', LISTEN_PID: '42' }, /LISTEN_FDS="0" is not a positive number/],
    ['LISTEN_FDS not a number', { LISTEN_FDS: '1x', LISTEN_PID: '42' }, /LISTEN_FDS="1x" is not a positive number/],
    ['names of another count', { LISTEN_FDS: '2', LISTEN_PID: '42', LISTEN_FDNAMES: 'a' }, /LISTEN_FDNAMES names 1 sockets but LISTEN_FDS is 2/],
  ];
  for (const [what, env, message] of cases) {
    const error = refusal(() => takePassedSockets(env, 42, sockets));
    t.equal(error.code, 'IMDSD_ERR_SOCKET_ACTIVATION', `${what}: the code`);
    t.match(error.message, message, `${what}: the message`);
    t.match(error.hint, /socket unit/, `${what}: the hint`);
    t.same(Object.keys(env), [], `${what}: the variables are removed`);
  }
  const notSocket = refusal(() => takePassedSockets({ LISTEN_FDS: '2', LISTEN_PID: '42' }, 42, (fd) => (fd === 4 ? 'is not a socket' : undefined)));
  t.equal(notSocket.message, 'socket activation: fd 4 (unknown) is not a socket', 'an fd that is no socket is named');
});

t.test('notASocket tells a socket from a file and from a closed fd', async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve()));
  t.teardown(() => server.close());
  const handle = (server as unknown as { _handle: { fd: number } })._handle;
  t.equal(notASocket(handle.fd), undefined, 'a listening TCP socket passes');
  const file = join(mkdtempSync(join(tmpdir(), 'imdsd-fd-')), 'file');
  writeFileSync(file, 'x');
  const fd = openSync(file, 'r');
  t.teardown(() => closeSync(fd));
  t.equal(notASocket(fd), 'is not a socket', 'a regular file does not');
  t.match(notASocket(999_999), /^is not open \(EBADF\)$/, 'nor does a closed fd');
});
