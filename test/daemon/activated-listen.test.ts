/**
 * Serving on passed sockets (issue 14): every socket is matched to the role of its port,
 * and a socket or a role left over is refused.
 */
import t from 'tap';
import { assignToRoles, openPassedSockets, type OpenedSocket } from '../../src/daemon/activated-listen.js';
import { isImdsdError } from '../../src/errors.js';

function opened(port: number, fd = 3): OpenedSocket {
  return { socket: { fd, name: 'imdsd.socket' }, server: undefined as unknown as OpenedSocket['server'], address: '127.0.0.1', port, attach: () => undefined };
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
