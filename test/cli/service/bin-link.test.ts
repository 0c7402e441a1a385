/**
 * The unit names npm's bin link when it leads to this CLI, so `npm install -g` of a new
 * version (which rewrites the link) keeps the unit working (issue 19).
 */
import t from 'tap';
import { launcherFor, prefixBin } from '../../../src/cli/service/bin-link.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const ROOT = '/opt/npm/lib/node_modules/imdsd';
const PATHS = { root: ROOT, cli: `${ROOT}/dist/src/cli/main.js`, plistTemplate: '', userUnitTemplate: '' };
const LINK = { uid: 0, gid: 0, mode: 0o120777, symlink: true };

t.test('prefixBin: <prefix>/bin/imdsd', async (t) => {
  t.equal(prefixBin(ROOT), '/opt/npm/bin/imdsd');
});

t.test('the link the CLI was started through, when it leads here', async (t) => {
  const io = { ...fakeServiceIo({ pathInfo: { '/usr/local/bin/imdsd': LINK }, realpaths: { '/usr/local/bin/imdsd': PATHS.cli } }), script: '/usr/local/bin/imdsd' };
  t.same(await launcherFor(io, PATHS), { path: '/usr/local/bin/imdsd', warning: undefined });
});

t.test('else the prefix bin link, when it leads here', async (t) => {
  const io = { ...fakeServiceIo({ pathInfo: { '/opt/npm/bin/imdsd': LINK }, realpaths: { '/opt/npm/bin/imdsd': PATHS.cli } }), script: PATHS.cli };
  t.same(await launcherFor(io, PATHS), { path: '/opt/npm/bin/imdsd', warning: undefined });
});

t.test('else the CLI itself, with a note when the CLI knows how it started', async (t) => {
  const other = fakeServiceIo({ pathInfo: { '/opt/npm/bin/imdsd': LINK }, realpaths: { '/opt/npm/bin/imdsd': '/elsewhere/main.js' } });
  t.same(await launcherFor(other, PATHS), { path: PATHS.cli, warning: undefined }, 'a link to another imdsd is not used; a test io says nothing');
  const started = { ...other, script: 'dist/src/cli/main.js' };
  const launcher = await launcherFor(started, PATHS);
  t.equal(launcher.path, PATHS.cli);
  t.match(launcher.warning, /no npm bin link named imdsd leads to .*run imdsd install again/);
});
