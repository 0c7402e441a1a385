import t from 'tap';
import { isLoopback, LOOPBACK_NAMES, peerAddress } from '../src/loopback.js';

t.test('loopback in every spelling the daemon, the IMDS guard and doctor meet', async (t) => {
  for (const host of ['localhost', 'LOCALHOST', '::1', '[::1]', '127.0.0.1', '127.1.2.3', ...LOOPBACK_NAMES]) {
    t.ok(isLoopback(host), `${host} is loopback`);
  }
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '169.254.169.254', 'localhost.example.com', '128.0.0.1', '::ffff:127.0.0.1', '127.0.0', '']) {
    t.notOk(isLoopback(host), `${host} is not`);
  }
});

t.test('a dual-stack socket\'s IPv4-mapped peer address is unwrapped before the test', async (t) => {
  t.equal(peerAddress('::ffff:127.0.0.1'), '127.0.0.1', 'unwrapped');
  t.ok(isLoopback(peerAddress('::ffff:127.0.0.1')), 'then loopback');
  t.equal(peerAddress('::1'), '::1', 'IPv6 unchanged');
});
