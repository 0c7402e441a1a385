/**
 * The socket unit that holds the IMDS ports across restarts (issue 14): which addresses it
 * lists, and that the real `systemd-analyze verify` accepts it beside the service.
 */
import t from 'tap';
import { listenStreams, renderSocket } from '../../../src/cli/service/render-socket.js';
import { printUnits, verified } from '../../support/systemd-analyze.js';

t.test('both loopbacks for the default host, the --host otherwise, every role\'s port', async (t) => {
  t.same(listenStreams([{ profile: 'dev' }]), ['ListenStream=127.0.0.1:1338', 'ListenStream=[::1]:1338'], 'the default: 1338 on both loopbacks');
  t.same(listenStreams([{ profile: 'dev', port: 1400 }, { profile: 'ops', port: 1401, host: '::1' }, { profile: 'ci', port: 1402, host: '172.17.0.1' }]),
    ['ListenStream=127.0.0.1:1400', 'ListenStream=[::1]:1400', 'ListenStream=[::1]:1401', 'ListenStream=172.17.0.1:1402'], 'each role, IPv6 in brackets');
  t.equal(listenStreams([{ profile: 'dev', port: 0 }]), undefined, '--port 0: no socket unit, the port is picked at every start');
  t.equal(listenStreams([]), undefined, 'no roles: none');
});

t.test('the rendered socket unit fills every line and passes systemd-analyze verify beside the service', async (t) => {
  t.match(renderSocket('[Socket]\n{{LISTEN_STREAMS}}\n', ['ListenStream=127.0.0.1:1', 'ListenStream=[::1]:1']), '[Socket]\nListenStream=127.0.0.1:1\nListenStream=[::1]:1\n', 'one line each');
  const { service, socket } = await printUnits(['--profile', 'dev', '--port', '1400']);
  t.match(socket, /^\[Socket\]\nListenStream=127.0.0.1:1400\nListenStream=\[::1\]:1400\n/m, 'the ports of --port');
  t.match(socket, /^BindIPv6Only=ipv6-only$/m, '::1 is IPv6 only, as the daemon binds it');
  t.match(socket, /^FreeBind=yes$/m, 'a host without ::1 still gets the socket');
  t.match(socket, /^WantedBy=sockets.target$/m, 'started with the sockets of the session');
  t.match(service, /^Requires=imdsd.socket\nAfter=imdsd.socket$/m, 'the service requires it');
  verified(t, service, true, 'the socket unit', socket);
  const system = await printUnits(['--system', '--user', 'ci', '--profile', 'dev']);
  t.match(system.service, /^Requires=imdsd.socket\nAfter=imdsd.socket$/m, 'the system service requires it too');
  verified(t, system.service, false, 'the system socket unit', system.socket);
});
