/**
 * test/support/signal.ts, the only way a test signals a pid (issue 19): the pids that would
 * hit the test runner itself (0, 1, negatives, undefined, NaN, this process, its parent,
 * its own process group) are refused with an error and nothing is sent; a child's pid and
 * a detached child's group are signalled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import t from 'tap';
import { isAlive, processGroupOf, refusalFor, signalChecked, signalGroup } from './support/signal.js';

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve(child.signalCode)
    : new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

/** A child that lives until signalled: it waits for stdin, which nobody closes. */
function sleeper(detached = false): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'], detached });
  t.teardown(() => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return child;
}

const OWN_GROUP = processGroupOf('self');

t.test('the pids that would hit the runner are refused, and nothing is sent', async (t) => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['0 (own process group)', 0, /pid 0 is this process's own process group/],
    ['1 (init)', 1, /pid 1 is init/],
    ['-1 (every process)', -1, /names a process group/],
    ['a negative pid', -12345, /names a process group/],
    ['undefined', undefined, /undefined is not a pid/],
    ['NaN', Number.NaN, /NaN is not a pid/],
    ['a fraction', 1.5, /is not a pid/],
    ['a string', '123', /is not a pid/],
    ['this process', process.pid, /is this test process/],
    ['its parent', process.ppid, /parent|own process group/],
  ];
  if (OWN_GROUP !== undefined && OWN_GROUP !== process.pid && OWN_GROUP !== process.ppid) {
    cases.push(['the leader of its own process group', OWN_GROUP, /leads this test process's own process group/]);
  }
  for (const [name, pid, why] of cases) {
    t.match(refusalFor(pid), why, `${name}: refused`);
    t.throws(() => signalChecked(pid, 'SIGKILL'), { message: /^refusing to send SIGKILL to / }, `${name}: signalChecked throws instead of signalling`);
    t.throws(() => isAlive(pid), { message: /^refusing to send signal 0 to / }, `${name}: isAlive throws too`);
  }
  t.pass('and this test is still running to say so');
});

t.test('a group kill is refused for this process\'s group and for a pid that leads none', { skip: OWN_GROUP === undefined && 'no /proc here' }, async (t) => {
  t.throws(() => signalGroup(0, 'SIGKILL'), { message: /pid 0/ }, 'group 0 refused');
  t.throws(() => signalGroup(undefined, 'SIGKILL'), { message: /not a pid/ }, 'undefined refused');
  t.throws(() => signalGroup(process.pid, 'SIGKILL'), { message: /this test process/ }, 'this process refused');
  const child = sleeper(false);
  t.equal(processGroupOf(child.pid ?? 0), OWN_GROUP, 'a child spawned without detached shares this group');
  t.throws(() => signalGroup(child.pid, 'SIGKILL'), { message: /is in process group \d+, it leads none/ }, 'so signalling "its" group is refused');
  t.ok(isAlive(child.pid), 'and the child was not touched');
});

t.test('a child\'s pid is signalled, and a detached child\'s whole group', async (t) => {
  const child = sleeper(false);
  t.ok(isAlive(child.pid), 'a live child is alive');
  signalChecked(child.pid, 'SIGTERM');
  t.equal(await exited(child), 'SIGTERM', 'signalChecked delivered SIGTERM');
  t.notOk(isAlive(child.pid), 'and once reaped it is gone');
  t.throws(() => signalChecked(child.pid, 'SIGTERM'), { code: 'ESRCH' }, 'a gone pid throws ESRCH, as process.kill does');
  const leader = sleeper(true);
  t.equal(processGroupOf(leader.pid ?? 0), leader.pid, 'a detached child leads its own group');
  signalGroup(leader.pid, 'SIGKILL');
  t.equal(await exited(leader), 'SIGKILL', 'signalGroup killed it');
});
