import t from 'tap';
import { buildDefinition } from '../../../src/cli/service/definition.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

t.test('macOS needs the LaunchAgents and log directories; Linux the unit directory', async (t) => {
  const io = fakeServiceIo({ homedir: '/Users/me' });
  const mac = await buildDefinition({ platform: 'macos', scope: 'user', user: undefined, runArgs: ['--profile', 'dev'], roles: [{ profile: 'dev' }] }, io);
  t.same(mac.dirs, ['/Users/me/Library/LaunchAgents', '/Users/me/Library/Logs/imdsd'], 'two directories');
  t.equal(mac.mode, 0o644, 'mode');
  const linux = await buildDefinition({ platform: 'linux', scope: 'system', user: 'ci', runArgs: [], roles: [{ profile: 'dev' }] }, io);
  t.same([linux.path, linux.dirs], ['/etc/systemd/system/imdsd.service', ['/etc/systemd/system']], 'system unit');
  t.notMatch(linux.content, /HOME=/, 'no HOME in a system unit');
  t.same(linux.warnings, [], 'the real node and CLI are not under /home or /root here');
});

t.test('a system service is warned when node or the CLI lives in a home directory', async (t) => {
  const io = fakeServiceIo({ homedir: '/root' });
  const paths = { ...PACKAGE, cli: '/root/imdsd/dist/src/cli/main.js' };
  const definition = await buildDefinition({ platform: 'linux', scope: 'system', user: 'ci', runArgs: [], roles: [{ profile: 'dev' }] }, io, paths, '/home/dev/.nvm/node');
  t.equal(definition.warnings.length, 2, 'one note per path');
  t.match(definition.warnings[0], /^\/home\/dev\/.nvm\/node is under a home directory, which User=ci may not be able to read/, 'node');
  t.match(definition.warnings[1], /^\/root\/imdsd\/dist\/src\/cli\/main.js is under a home directory/, 'the CLI');
  t.match(definition.content, 'ExecStart="/home/dev/.nvm/node" "/root/imdsd/dist/src/cli/main.js" "run"', 'the paths given are used');
  const user = await buildDefinition({ platform: 'linux', scope: 'user', user: undefined, runArgs: [], roles: [{ profile: 'dev' }] }, io, paths, '/home/dev/.nvm/node');
  t.same(user.warnings, [], 'a user service reads its own home');
});

t.test('Linux: a socket unit beside the service, for every role\'s port; none with --port 0', async (t) => {
  const io = fakeServiceIo({ homedir: '/home/dev' });
  const two = await buildDefinition({ platform: 'linux', scope: 'user', user: undefined, runArgs: [],
    roles: [{ profile: 'dev' }, { profile: 'ops', port: 1339, host: '::1' }, { profile: 'ci', port: 1340, host: '127.0.0.2' }] }, io);
  t.equal(two.socket?.path, '/home/dev/.config/systemd/user/imdsd.socket', 'beside the service');
  t.match(two.socket?.content, '\nListenStream=127.0.0.1:1338\nListenStream=[::1]:1338\nListenStream=[::1]:1339\nListenStream=127.0.0.2:1340\n',
    'both loopbacks for the default host, the --host otherwise, every port');
  t.match(two.content, /^Requires=imdsd.socket\nAfter=imdsd.socket$/m, 'the service requires the socket');
  const picked = await buildDefinition({ platform: 'linux', scope: 'user', user: undefined, runArgs: [], roles: [{ profile: 'dev', port: 0 }] }, io);
  t.equal(picked.socket, undefined, '--port 0: no socket unit');
  t.notMatch(picked.content, /imdsd.socket/, 'and no dependency on one');
  const mac = await buildDefinition({ platform: 'macos', scope: 'user', user: undefined, runArgs: [], roles: [{ profile: 'dev' }] }, io);
  t.equal(mac.socket, undefined, 'macOS: none');
});

t.test('--allow-uid in a user unit is noted: PrivateUsers= hides other users\' uids', async (t) => {
  const io = fakeServiceIo({ homedir: '/home/dev' });
  const shared = await buildDefinition({ platform: 'linux', scope: 'user', user: undefined, runArgs: [], roles: [{ profile: 'dev', allowUids: [1001] }] }, io);
  t.match(shared.warnings, [/^--allow-uid does not work in the user unit: its PrivateUsers=yes/], 'one note with the way out');
  const system = await buildDefinition({ platform: 'linux', scope: 'system', user: 'ci', runArgs: [], roles: [{ profile: 'dev', allowUids: [1001] }] }, io);
  t.same(system.warnings.filter((w) => w.includes('allow-uid')), [], 'the system unit has no PrivateUsers=');
});
