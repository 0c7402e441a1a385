/**
 * Serving on passed sockets (issue 14): every socket is matched to the role of its port,
 * and a socket or a role left over is refused.
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { assignToRoles, openPassedSockets, type OpenedSocket } from '../../src/daemon/activated-listen.js';
import { isImdsdError } from '../../src/errors.js';

function opened(port: number, fd = 3): OpenedSocket {
  return { socket: { fd, name: 'imdsd.socket' }, address: '127.0.0.1', port };
}

function codeOf(fn: () => unknown): { code?: string; message?: string } {
  try {
    fn();
  } catch (error) {
    return isImdsdError(error) ? { code: error.code, message: error.message } : { message: String(error) };
  }
  return {};
}

t.test('sockets go to the role of their port; two sockets may serve one role', async (t) => {
  const [a, b, c] = [opened(1338, 3), opened(1338, 4), opened(1339, 5)];
  const byRole = assignToRoles([a, b, c] as OpenedSocket[], [{ name: 'dev', port: 1338 }, { name: 'ops', port: 1339 }]);
  t.same(byRole.map((sockets) => sockets.map((one) => one.socket.fd)), [[3, 4], [5]], 'dev gets fds 3 and 4, ops fd 5');
});

t.test('a socket on no role\'s port, or a role without a socket, is refused', async (t) => {
  const stray = codeOf(() => assignToRoles([opened(1400)], [{ name: 'dev', port: 1338 }]));
  t.equal(stray.code, 'IMDSD_ERR_SOCKET_ACTIVATION', 'a stray socket: the code');
  t.equal(stray.message, 'socket activation: fd 3 (imdsd.socket) listens on 127.0.0.1 port 1400, which no role serves (dev on 1338)', 'a stray socket: the message');
  const bare = codeOf(() => assignToRoles([opened(1338)], [{ name: 'dev', port: 1338 }, { name: 'ops', port: 1339 }]));
  t.equal(bare.code, 'IMDSD_ERR_SOCKET_ACTIVATION', 'a role without a socket: the code');
  t.equal(bare.message, 'socket activation: no passed socket is on port 1339 of role ops (sockets on 1338)', 'a role without a socket: the message');
});

// Listening on a real passed socket needs a socket this process does not watch already
// (libuv refuses a second watcher with EEXIST): test/integration/socket-activation.test.ts
// passes them with systemd-socket-activate, including a request that waits for the app.
t.test('an fd that cannot be listened on is named', async (t) => {
  const bad = await openPassedSockets([{ fd: 999_999, name: 'gone' }]).catch((e: unknown) => e);
  t.ok(isImdsdError(bad) && bad.code === 'IMDSD_ERR_SOCKET_ACTIVATION', 'refused with the code');
  t.match(isImdsdError(bad) ? bad.message : '', /^socket activation: fd 999999 \(gone\) cannot be listened on \(/, 'the message names fd and socket');
});

/** A /proc with fds 3 to 5 (two TCP listeners and a socket no TCP table lists) and fd 6 a file. */
function fakeProc(): string {
  const root = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(root, 'self', 'fd'), { recursive: true });
  mkdirSync(join(root, 'net'));
  symlinkSync('socket:[1001]', join(root, 'self', 'fd', '3'));
  symlinkSync('socket:[1002]', join(root, 'self', 'fd', '4'));
  symlinkSync('socket:[1003]', join(root, 'self', 'fd', '5'));
  symlinkSync('/tmp/a-file', join(root, 'self', 'fd', '6'));
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  writeFileSync(join(root, 'net', 'tcp'), `${header}   0: 0100007F:053A 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1001 1 0 100 0 0 10 0\n`);
  writeFileSync(join(root, 'net', 'tcp6'), `${header}   0: 00000000000000000000000001000000:053A 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1002 1 0 100 0 0 10 0\n`);
  return root;
}

t.test('a passed socket is known by its own address and port before anything listens', async (t) => {
  const proc = fakeProc();
  const found = await openPassedSockets([{ fd: 3, name: 'a' }, { fd: 4, name: 'b' }], proc);
  t.same(found.map((one) => [one.socket.fd, one.address, one.port]), [[3, '127.0.0.1', 1338], [4, '::1', 1338]], 'IPv4 and IPv6 loopback on 1338');
  const unix = await openPassedSockets([{ fd: 5, name: 'c' }], proc).catch((e: unknown) => e);
  t.match(isImdsdError(unix) ? unix.message : '', /^socket activation: fd 5 \(c\) is not a TCP socket \(socket:\[1003\]/, 'a socket in no TCP table is refused');
  const file = await openPassedSockets([{ fd: 6, name: 'd' }], proc).catch((e: unknown) => e);
  t.match(isImdsdError(file) ? file.message : '', /^socket activation: fd 6 \(d\) is not a TCP socket/, 'so is a file');
});
