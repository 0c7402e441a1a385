import t from 'tap';
import { buildDefinition } from '../../../src/cli/service/definition.js';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

t.test('macOS needs the LaunchAgents and log directories; Linux the unit directory', async (t) => {
  const io = fakeServiceIo({ homedir: '/Users/me' });
  const mac = await buildDefinition({ platform: 'macos', scope: 'user', user: undefined, runArgs: ['--profile', 'dev'] }, io);
  t.same(mac.dirs, ['/Users/me/Library/LaunchAgents', '/Users/me/Library/Logs/imdsd'], 'two directories');
  t.equal(mac.mode, 0o644, 'mode');
  const linux = await buildDefinition({ platform: 'linux', scope: 'system', user: 'ci', runArgs: [] }, io);
  t.same([linux.path, linux.dirs], ['/etc/systemd/system/imdsd.service', ['/etc/systemd/system']], 'system unit');
  t.notMatch(linux.content, /HOME=/, 'no HOME in a system unit');
  t.same(linux.warnings, [], 'the real node and CLI are not under /home or /root here');
});

t.test('a system service is warned when node or the CLI lives in a home directory', async (t) => {
  const io = fakeServiceIo({ homedir: '/root' });
  const paths = { ...PACKAGE, cli: '/root/imdsd/dist/src/cli/main.js' };
  const definition = await buildDefinition({ platform: 'linux', scope: 'system', user: 'ci', runArgs: [] }, io, paths, '/home/dev/.nvm/node');
  t.equal(definition.warnings.length, 2, 'one note per path');
  t.match(definition.warnings[0], /^\/home\/dev\/.nvm\/node is under a home directory, which User=ci may not be able to read/, 'node');
  t.match(definition.warnings[1], /^\/root\/imdsd\/dist\/src\/cli\/main.js is under a home directory/, 'the CLI');
  t.match(definition.content, 'ExecStart="/home/dev/.nvm/node" "/root/imdsd/dist/src/cli/main.js" "run"', 'the paths given are used');
  const user = await buildDefinition({ platform: 'linux', scope: 'user', user: undefined, runArgs: [] }, io, paths, '/home/dev/.nvm/node');
  t.same(user.warnings, [], 'a user service reads its own home');
});
