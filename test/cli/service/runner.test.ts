import t from 'tap';
import { commandLine, describeCommands, failureMessage, runCommands } from '../../../src/cli/service/runner.js';
import { shellWord } from '../../../src/cli/shell-quote.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

t.test('commands are shown as a shell would take them', async (t) => {
  t.equal(shellWord('gui/501/dev.imdsd.agent'), 'gui/501/dev.imdsd.agent', 'plain words stay bare');
  t.equal(shellWord('/My Files/x'), `'/My Files/x'`, 'spaces are quoted');
  t.equal(shellWord(`it's`), `'it'\\''s'`, 'single quotes are escaped');
  t.equal(shellWord(''), `''`, 'an empty word is visible');
  t.equal(commandLine({ cmd: 'launchctl', args: ['bootstrap', 'gui/0', '/a b'] }), `launchctl bootstrap gui/0 '/a b'`, 'a whole command');
  t.equal(describeCommands([{ cmd: 'a', args: [] }, { cmd: 'b', args: ['c'], mayFail: 'why' }, { cmd: 'd', args: [], retry: { codes: [5, 37], attempts: 3, delayMs: 500 } }]),
    'would run: a\nwould run: b c (a failure is ignored: why)\nwould run: d (retried on exit 5 or 37, up to 3 times 0.5 s apart)\n', 'dry-run lines');
});

t.test('runs in order and stops at the first failure that matters', async (t) => {
  const io = fakeServiceIo({ results: { 'x 1': { code: 3, stderr: 'ignored' }, 'y 2': { code: 5, stderr: '\n  y: it broke  \nmore detail\n' } } });
  const failure = await runCommands(io, [
    { cmd: 'x', args: ['1'], mayFail: 'expected' }, { cmd: 'y', args: ['2'] }, { cmd: 'z', args: [] },
  ]);
  t.same(io.events, ['run x 1', 'run y 2'], 'z never runs');
  t.equal(failure?.code, 5, 'the exit status');
  t.equal(failure?.reason, 'y: it broke', 'the first line of stderr, trimmed');
  t.equal(failure && failureMessage(failure), '`y 2` failed (exit 5): y: it broke', 'one line');
});

t.test('the reason falls back to stdout, and may be empty', async (t) => {
  const io = fakeServiceIo({ results: { a: { code: 1, stdout: 'from stdout\n' }, b: { code: 2 } } });
  const first = await runCommands(io, [{ cmd: 'a', args: [] }]);
  t.equal(first?.reason, 'from stdout', 'stdout when stderr is empty');
  const second = await runCommands(io, [{ cmd: 'b', args: [] }]);
  t.equal(second && failureMessage(second), '`b` failed (exit 2)', 'no reason, no colon');
  t.equal(await runCommands(io, [{ cmd: 'c', args: [] }]), undefined, 'success is undefined');
});

t.test('a command with a retry runs again after a pause while it fails with a listed code', async (t) => {
  const retry = { codes: [5, 37], attempts: 4, delayMs: 1000 };
  const settles = fakeServiceIo({ results: { 'launchctl bootstrap': [{ code: 5 }, { code: 37 }, { code: 0 }] } });
  t.equal(await runCommands(settles, [{ cmd: 'launchctl', args: ['bootstrap'], retry }]), undefined, 'succeeds on the third run');
  t.same(settles.events, ['run launchctl bootstrap', 'sleep 1000', 'run launchctl bootstrap', 'sleep 1000', 'run launchctl bootstrap'], 'paused between runs');
  const never = fakeServiceIo({ results: { 'launchctl bootstrap': { code: 5, stderr: 'Bootstrap failed: 5: Input/output error' } } });
  const failure = await runCommands(never, [{ cmd: 'launchctl', args: ['bootstrap'], retry }]);
  t.equal(failure?.reason, 'Bootstrap failed: 5: Input/output error', 'gives up with the last reason');
  t.equal(never.events.filter((e) => e.startsWith('run')).length, 4, 'after the given number of attempts');
  const other = fakeServiceIo({ results: { 'launchctl bootstrap': { code: 125 } } });
  t.equal((await runCommands(other, [{ cmd: 'launchctl', args: ['bootstrap'], retry }]))?.code, 125, 'another code fails at once');
  t.same(other.events, ['run launchctl bootstrap'], 'without a retry');
});
