import t from 'tap';
import { guarded, ok, problem, runGuarded, warning } from '../../../src/cli/doctor/finding.js';

t.test('the builders set the level and leave out what is not given', async (t) => {
  t.same(ok('a-b', 'fine'), { id: 'a-b', level: 'ok', title: 'fine' }, 'ok with no detail or fix');
  t.same(warning('a-b', 'hmm', { fix: 'do x' }), { id: 'a-b', level: 'warning', title: 'hmm', fix: 'do x' }, 'warning with a fix');
  t.same(problem('a-b', 'bad', { detail: 'why', fix: undefined }), { id: 'a-b', level: 'problem', title: 'bad', detail: 'why' },
    'an undefined fix is left out, not set to undefined');
});

t.test('a check that throws becomes a warning naming what could not be checked', async (t) => {
  const thrown = await guarded('cache-cli', 'the AWS CLI cache', () => { throw new Error('EACCES: permission denied'); });
  t.same(thrown, [{ id: 'cache-cli', level: 'warning', title: 'could not check the AWS CLI cache: EACCES: permission denied' }], 'an Error');
  const rejected = await guarded('x', 'y', () => Promise.reject('plain string'));
  t.equal(rejected[0]?.title, 'could not check y: plain string', 'a non-Error rejection');
});

t.test('runGuarded keeps the order and runs every check even after one fails', async (t) => {
  const findings = await runGuarded([
    ['one', 'one', () => [ok('one', '1')]],
    ['two', 'two', () => { throw new Error('broken'); }],
    ['three', 'three', async () => [problem('three', '3')]],
  ]);
  t.same(findings.map((f) => `${f.id}:${f.level}`), ['one:ok', 'two:warning', 'three:problem'], 'all three, in order');
});
