/**
 * Install refuses what cannot run (issue 19): a path under /tmp or /var/tmp when the unit
 * has PrivateTmp=yes, and a path User= cannot reach; the messages name the path and the fix.
 */
import t from 'tap';
import { allows, neededPaths, refuseProblem, sandboxProblem, withProblemComment } from '../../../src/cli/service/sandbox-paths.js';
import { isImdsdError } from '../../../src/errors.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const PRIVATE = '[Service]\nExecStart=x\nPrivateTmp=yes\n';
const AS_CI = '[Service]\nUser=ci\nPrivateTmp=yes\n';
const NODE = '/usr/bin/node';
const CLI = '/usr/lib/node_modules/imdsd/dist/src/cli/main.js';
const CI = { ci: { uid: 1001, gids: [1001] } };
const DIR = 0o040000;
const FILE = 0o100000;

t.test('needed paths: node, the CLI, each file flag, the control socket by its directory', async (t) => {
  const needed = neededPaths([NODE, CLI, 'run', '--config', '/etc/i.json', '--port', '1', '--control-socket', '/run/x/c.sock', '--external-id-file']);
  t.same(needed.map((path) => [path.path, path.run]), [[NODE, true], [CLI, false], ['/etc/i.json', false], ['/run/x', false]]);
});

t.test('PrivateTmp=yes: /tmp and /var/tmp, as given or resolved, are refused with their fix', async (t) => {
  const io = fakeServiceIo();
  t.equal(await sandboxProblem(io, PRIVATE, [NODE, CLI, 'run']), undefined, 'system paths pass');
  const clone = await sandboxProblem(io, PRIVATE, [NODE, '/tmp/imdsd/dist/src/cli/main.js', 'run']);
  t.match(clone?.message, /\/tmp\/imdsd\/dist\/src\/cli\/main\.js, the imdsd CLI, is under \/tmp or \/var\/tmp, which the unit's PrivateTmp=yes hides/);
  t.equal(clone?.hint, 'install imdsd with npm install -g, or clone outside /tmp');
  const node = await sandboxProblem(io, PRIVATE, ['/var/tmp/node/bin/node', CLI, 'run']);
  t.match(node?.hint, 'install node outside /tmp');
  const config = await sandboxProblem(io, PRIVATE, [NODE, CLI, 'run', '--config', '/tmp/c.json']);
  t.match(config, { message: /the --config file/, hint: 'give --config a path outside /tmp and /var/tmp' });
  const linked = fakeServiceIo({ realpaths: { '/usr/local/bin/imdsd': '/tmp/x/main.js' } });
  t.match((await sandboxProblem(linked, PRIVATE, [NODE, '/usr/local/bin/imdsd', 'run']))?.message, '/tmp/x/main.js (/usr/local/bin/imdsd resolves to it)');
  t.equal(await sandboxProblem(io, '[Service]\nPrivateTmp=no\n', [NODE, '/tmp/a.js', 'run']), undefined, 'no PrivateTmp: /tmp is fine');
  t.equal(await sandboxProblem(io, '<plist/>', [NODE, '/tmp/a.js', 'run']), undefined, 'launchd: nothing applies');
});

t.test('User=: every directory needs search, the CLI read, node run', async (t) => {
  const home = { uid: 1000, gid: 1000, mode: DIR | 0o700, symlink: false };
  const io = fakeServiceIo({ users: CI, pathInfo: { '/home/dev': home } });
  const problem = await sandboxProblem(io, AS_CI, [NODE, '/home/dev/imdsd/main.js', 'run']);
  t.match(problem?.message, 'User=ci cannot read the imdsd CLI /home/dev/imdsd/main.js: the directory /home/dev has permissions');
  t.match(problem?.hint, 'let ci read /home/dev');
  const secret = fakeServiceIo({ users: CI, pathInfo: { '/etc/i.json': { uid: 0, gid: 0, mode: FILE | 0o600, symlink: false } } });
  t.match((await sandboxProblem(secret, AS_CI, [NODE, CLI, 'run', '--config', '/etc/i.json']))?.message, 'its permissions');
  t.equal(await sandboxProblem(fakeServiceIo({ users: {} }), AS_CI, [NODE, CLI, 'run']), undefined, 'an unknown account: nothing to check');
  t.equal(await sandboxProblem(fakeServiceIo({ users: CI }), AS_CI, [NODE, CLI, 'run']), undefined, 'root 0755 everywhere passes');
});

t.test('allows: owner, group, other bits; root always', async (t) => {
  const info = { uid: 5, gid: 7, mode: 0o750, symlink: false };
  t.ok(allows(info, 5, [], 4));
  t.ok(allows(info, 6, [7], 1));
  t.notOk(allows(info, 6, [8], 1));
  t.ok(allows(info, 0, [], 4));
});

t.test('--print comment and the refusal carry the same line', async (t) => {
  const problem = { message: 'imdsd install: /tmp/x is hidden', hint: 'move it' };
  t.equal(withProblemComment(problem, 'UNIT\n'), '# imdsd: imdsd install: /tmp/x is hidden (fix: move it)\nUNIT\n');
  t.equal(withProblemComment(undefined, 'UNIT\n'), 'UNIT\n');
  t.doesNotThrow(() => { refuseProblem(undefined); });
  const caught = (() => { try { refuseProblem(problem); return undefined; } catch (error) { return error; } })();
  t.ok(isImdsdError(caught) && caught.code === 'IMDSD_ERR_UNREACHABLE_PATH', 'IMDSD_ERR_UNREACHABLE_PATH');
});
