/**
 * The control socket's directory: created private, tightened when only readable by
 * others, and never changed (refused) when others can write to it: a root daemon given
 * `--control-socket /tmp/x.sock` once turned /tmp into 0700 for the whole machine.
 */
import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { preparePrivateDir } from '../../../src/daemon/control/private-dir.js';

const uid = process.getuid?.();

t.test('a new directory is created 0700', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'imdsd-pd-')), 'run');
  await preparePrivateDir(join(dir, 'control.sock'), uid);
  t.equal(statSync(dir).mode & 0o777, 0o700, 'created 0700');
});

t.test('an existing directory others can read is tightened to 0700', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-pd-'));
  chmodSync(dir, 0o755);
  await preparePrivateDir(join(dir, 'control.sock'), uid);
  t.equal(statSync(dir).mode & 0o777, 0o700, 'tightened');
});

t.test('a directory others can write to (like /tmp) is refused and left as it is', async (t) => {
  for (const mode of [0o1777, 0o777, 0o775]) {
    const dir = mkdtempSync(join(tmpdir(), 'imdsd-pd-'));
    chmodSync(dir, mode);
    await t.rejects(preparePrivateDir(join(dir, 'control.sock'), uid), { code: 'IMDSD_ERR_CONTROL_UNSAFE', message: /can be written by others/ },
      `mode ${mode.toString(8)} is refused`);
    t.equal(statSync(dir).mode & 0o7777, mode, `mode ${mode.toString(8)} is unchanged`);
  }
});

t.test('a directory of another user, or a file in its place, is refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-pd-'));
  chmodSync(dir, 0o700);
  await t.rejects(preparePrivateDir(join(dir, 'control.sock'), (uid ?? 0) + 1), { code: 'IMDSD_ERR_CONTROL_UNSAFE', message: /belongs to uid/ }, 'another owner');
  const parent = mkdtempSync(join(tmpdir(), 'imdsd-pd-'));
  writeFileSync(join(parent, 'run'), '');
  await t.rejects(preparePrivateDir(join(parent, 'run', 'control.sock'), uid), 'a file where the directory should be');
  mkdirSync(join(parent, 'ok'), { mode: 0o700 });
  await preparePrivateDir(join(parent, 'ok', 'control.sock'), undefined);
  t.pass('no uid to compare: only the mode counts');
});
