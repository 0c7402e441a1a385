import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { socketHolders, socketProcessFinder } from '../../src/system/proc-fd.js';

/** A /proc root whose processes each hold the fd links given. */
function procWith(processes: Record<number, readonly string[]>): string {
  const root = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(root, 'self'));
  for (const [pid, links] of Object.entries(processes)) {
    mkdirSync(join(root, pid, 'fd'), { recursive: true });
    links.forEach((link, fd) => symlinkSync(link, join(root, pid, 'fd', String(fd))));
  }
  return root;
}

t.test('socket holders under a proc root', async (t) => {
  const root = procWith({ 4321: ['/dev/null', 'socket:[424242]'] });
  t.same(await socketHolders(new Set(['424242']), root), [4321], 'the socket\'s process; other fds and non-pid entries skipped');
  t.same(await socketHolders(new Set(['1']), root), [], 'a socket nobody holds');
  t.same(await socketHolders(new Set(['424242']), join(root, 'absent')), [], 'no proc: no holders');
  const shared = procWith({ 40: ['socket:[7]'], 10: ['socket:[7]'], 20: ['socket:[8]'] });
  t.same(await socketHolders(new Set(['7']), shared), [10, 40], 'every holder of a passed socket, lowest pid first');
  t.same(await socketHolders(new Set(['7', '8']), shared), [10, 20, 40], 'of any of the sockets asked about');
});

t.test('the hand-out log finds a socket\'s process newest first, with its command', async (t) => {
  const root = procWith({ 10: ['socket:[1]'], 20: ['socket:[2]'], 30: ['pipe:[3]', 'socket:[3x]'], 40: ['socket:[1]'] });
  writeFileSync(join(root, '40', 'comm'), 'aws\n');
  const find = socketProcessFinder(root, Infinity);
  t.same(await find('1'), { pid: 40, command: 'aws' }, 'the newest holder, named by its comm');
  t.same(await find('2'), { pid: 20, command: 'unknown' }, 'a process whose comm cannot be read');
  t.equal(await find('3'), undefined, 'links that are no socket inode are skipped');
  t.equal(await find('0'), undefined, 'a socket without an inode (orphaned) has no process');
  t.equal(await find(''), undefined, 'nor has an empty inode');
  t.equal(await socketProcessFinder(join(root, 'absent'), Infinity)('1'), undefined, 'no proc: no process');
});

t.test('at most linksPerSec fd links are read a second; links read on the way are remembered for it (issue 15)', async (t) => {
  const root = procWith({ 10: ['socket:[10]'], 20: ['socket:[20]'], 30: ['socket:[30]'], 40: ['socket:[40]'] });
  let nowMs = 5_000;
  const find = socketProcessFinder(root, 3, () => nowMs);
  t.equal(await find('10'), undefined, 'a socket past the budget is not found: 40, 30 and 20 were read, 10 was not');
  t.match(await find('30'), { pid: 30 }, 'a link read on the way is remembered');
  t.equal(await find('10'), undefined, 'with the budget spent nothing more is read');
  nowMs += 999;
  t.equal(await find('10'), undefined, 'still within the same second');
  nowMs += 1;
  t.match(await find('30'), { pid: 30 }, 'the next second reads again: 40 and 30');
  t.equal(await find('20'), undefined, 'a new scan starts at the newest process, 40 takes the last link, and 20, read a second ago, is forgotten');
  nowMs += 1_000;
  t.match(await find('40'), { pid: 40 }, 'a new second, a new budget');
  t.equal(await socketProcessFinder(root, 0)('40'), undefined, 'no budget: no process');
});
