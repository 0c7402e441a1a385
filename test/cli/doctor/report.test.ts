import t from 'tap';
import { ok, problem, warning } from '../../../src/cli/doctor/finding.js';
import { formatHuman, formatJson, summarise } from '../../../src/cli/doctor/report.js';

const findings = [
  ok('daemon-running', 'imdsd 0.1.0 is running'),
  problem('env-static-keys', 'AWS_ACCESS_KEY_ID is set', { fix: 'unset AWS_ACCESS_KEY_ID', detail: 'why it matters' }),
  warning('cache-cli', 'one expired session', { fix: 'rm x' }),
];

t.test('people get marks, ids in a column and the fix under each finding', async (t) => {
  t.equal(formatHuman(findings), [
    '✔ ok    daemon-running   imdsd 0.1.0 is running',
    '✘ FAIL  env-static-keys  AWS_ACCESS_KEY_ID is set',
    '                         why it matters',
    '                         fix: unset AWS_ACCESS_KEY_ID',
    '! warn  cache-cli        one expired session',
    '                         fix: rm x',
    '',
    '1 problem, 1 warning: fix the FAIL lines, then run imdsd doctor again',
    '',
  ].join('\n'), 'the whole report');
  t.match(formatHuman([findings[0]!, findings[2]!, findings[2]!]), /\n\nno problems, 2 warnings\n$/, 'warnings only');
  t.match(formatHuman([findings[0]!]), /\n\nno problems\n$/, 'all clear');
  t.match(formatHuman([findings[1]!, findings[1]!]), /2 problems, 0 warnings/, 'plurals');
});

t.test('scripts get the findings and the counts', async (t) => {
  t.same(JSON.parse(formatJson(findings)), { findings, problems: 1, warnings: 1 }, '--json');
  t.same(summarise([]), { findings: [], problems: 0, warnings: 0 }, 'no findings');
});
