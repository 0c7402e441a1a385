/**
 * Issue 18: a root install refuses node or a CLI that a user other than root can change.
 * Real directories under a root-owned 0755 directory, chmod'ed and chown'ed to a second
 * account (nobody, 65534, present on every Debian), read through the real ServiceIo.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { isImdsdError } from '../../../src/errors.js';
import { checkRootInstall, firstUnsafe, pathChain, unsafeReason, UNSAFE_FIX } from '../../../src/cli/service/install-safety.js';
import { defaultServiceIo } from '../../../src/cli/service/service-io.js';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const io = defaultServiceIo();

t.test('the rule: owner, group write, world write; a symlink by its owner only', async (t) => {
  const file = 0o100755;
  t.equal(unsafeReason({ uid: 0, gid: 0, mode: file, symlink: false }), undefined, 'root\'s, 0755');
  t.equal(unsafeReason({ uid: 1000, gid: 0, mode: file, symlink: false }), 'is owned by uid 1000', 'another owner');
  t.equal(unsafeReason({ uid: 0, gid: 0, mode: 0o100775, symlink: false }), undefined, 'group-writable by root\'s group');
  t.equal(unsafeReason({ uid: 0, gid: 50, mode: 0o100775, symlink: false }), 'is writable by group 50', 'group-writable by another group');
  t.equal(unsafeReason({ uid: 0, gid: 0, mode: 0o100757, symlink: false }), 'is writable by every user', 'world-writable');
  t.equal(unsafeReason({ uid: 0, gid: 0, mode: 0o41777, symlink: false }), 'is writable by every user', 'the sticky bit is not enough');
  t.equal(unsafeReason({ uid: 0, gid: 0, mode: 0o120777, symlink: true }), undefined, 'a symlink\'s bits mean nothing');
  t.equal(unsafeReason({ uid: 1000, gid: 0, mode: 0o120777, symlink: true }), 'is owned by uid 1000', 'but its owner does');
  t.same(pathChain('/usr/local/bin/node'), ['/usr/local/bin/node', '/usr/local/bin', '/usr/local', '/usr', '/'], 'up to /');
});

t.test('real directories', { skip: !isRoot && 'needs root to chown to a second user' }, async (t) => {
  // /var/lib is root's 0755 (a temporary directory under /tmp would be unsafe by itself: /tmp is 1777).
  const base = mkdtempSync('/var/lib/imdsd-safety-');
  chmodSync(base, 0o755);
  t.teardown(() => rmSync(base, { recursive: true, force: true }));
  const make = (relative: string, mode = 0o755): string => {
    const dir = join(base, relative);
    mkdirSync(join(dir, 'bin'), { recursive: true, mode });
    chmodSync(dir, mode);
    writeFileSync(join(dir, 'bin', 'node'), '', { mode: 0o755 });
    return join(dir, 'bin', 'node');
  };

  const safe = make('safe');
  t.equal(await firstUnsafe(io, [safe]), undefined, `${safe}: root's all the way up`);

  const ownedFile = make('owned-file');
  chownSync(ownedFile, NOBODY, NOBODY);
  t.same(await firstUnsafe(io, [safe, ownedFile]), { path: ownedFile, reason: `is owned by uid ${NOBODY}` }, 'a binary of another user');

  const ownedDir = make('owned-dir');
  chownSync(join(base, 'owned-dir'), NOBODY, NOBODY);
  t.same(await firstUnsafe(io, [ownedDir]), { path: join(base, 'owned-dir'), reason: `is owned by uid ${NOBODY}` }, 'a directory above it of another user (nvm, ~/.npm-global)');

  const groupDir = make('group-dir', 0o775);
  chownSync(join(base, 'group-dir'), 0, NOBODY);
  t.same(await firstUnsafe(io, [groupDir]), { path: join(base, 'group-dir'), reason: `is writable by group ${NOBODY}` }, 'group-writable, another group');
  const rootGroup = make('root-group', 0o775);
  t.equal(await firstUnsafe(io, [rootGroup]), undefined, 'group-writable by root\'s group: safe');

  const world = make('world', 0o777);
  t.same(await firstUnsafe(io, [world]), { path: join(base, 'world'), reason: 'is writable by every user' }, 'world-writable');
  const sticky = make('sticky', 0o1777);
  t.same(await firstUnsafe(io, [sticky]), { path: join(base, 'sticky'), reason: 'is writable by every user' }, 'world-writable with the sticky bit');

  const link = join(base, 'safe', 'bin', 'linked-node');
  symlinkSync(ownedFile, link);
  t.same(await firstUnsafe(io, [link]), { path: ownedFile, reason: `is owned by uid ${NOBODY}` }, 'a root-owned symlink to another user\'s file: its target is checked');

  const inTmp = mkdtempSync(join(tmpdir(), 'imdsd-safety-'));
  t.teardown(() => rmSync(inTmp, { recursive: true, force: true }));
  t.match(await firstUnsafe(io, [join(inTmp, 'node')]), { reason: /writable by every user|owned by uid/ }, 'anything under /tmp (1777)');
  t.equal(await firstUnsafe(io, [join(base, 'safe', 'missing', 'main.js')]), undefined, 'a missing file is left to its own message');
});

t.test('checkRootInstall: one line and the fix, or with --force a note', async (t) => {
  const fake = {
    ...io,
    pathInfo: async (path: string) => (path === '/home/me/.nvm' ? { uid: 1000, gid: 1000, mode: 0o40755, symlink: false } : { uid: 0, gid: 0, mode: 0o40755, symlink: false }),
    realpath: async (path: string) => path,
  };
  const node = '/home/me/.nvm/versions/node/v20.19.0/bin/node';
  await t.resolves(checkRootInstall(fake, '/usr/bin/node', '/usr/lib/node_modules/imdsd/dist/src/cli/main.js', false), 'root\'s: nothing to say');
  t.equal(await checkRootInstall(fake, '/usr/bin/node', '/usr/lib/node_modules/imdsd/dist/src/cli/main.js', false), undefined, 'no note');
  const error: unknown = await checkRootInstall(fake, node, '/usr/lib/node_modules/imdsd/dist/src/cli/main.js', false).catch((e: unknown) => e);
  t.ok(isImdsdError(error), 'an ImdsdError');
  t.match(error, {
    code: 'IMDSD_ERR_UNSAFE_INSTALL',
    message: 'imdsd install as root: /home/me/.nvm is owned by uid 1000, so a user other than root can change the code this install and its units run',
    hint: UNSAFE_FIX,
  }, 'names the path and why');
  t.notMatch(String((error as Error).message), /\n/, 'one line');
  t.equal(await checkRootInstall(fake, node, '/usr/lib/x.js', true), '--force: installing although /home/me/.nvm is owned by uid 1000, so a user other than root can change the code this install and its units run', '--force: a note instead');
});
