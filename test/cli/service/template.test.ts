import t from 'tap';
import { fillTemplate } from '../../../src/cli/service/template.js';

t.test('fills inline placeholders and blocks on their own line', async (t) => {
  const out = fillTemplate('a={{A}};\n{{BLOCK}}\nend {{A}}\n', { A: 'x', BLOCK: 'line 1\nline 2' });
  t.equal(out, 'a=x;\nline 1\nline 2\nend x\n', 'every placeholder is replaced, blocks keep their lines');
});

t.test('an empty block removes its line instead of leaving a blank one', async (t) => {
  t.equal(fillTemplate('[S]\n{{ENV}}\nK=v\n', { ENV: '' }), '[S]\nK=v\n', 'no blank line is left');
  t.equal(fillTemplate('x={{ENV}}.\n', { ENV: '' }), 'x=.\n', 'an empty inline value is just empty');
});

t.test('substitution is a single pass: values are never expanded again', async (t) => {
  t.equal(fillTemplate('{{A}} {{B}}', { A: '{{B}}', B: '$1 $& %s' }), '{{B}} $1 $& %s', 'a value holding a placeholder or $-patterns stays literal');
});

t.test('a placeholder without a value, or a value without a placeholder, is a bug', async (t) => {
  t.throws(() => fillTemplate('{{A}} {{MISSING}}', { A: 'x' }), /\{\{MISSING\}\} has no value/, 'a missing value throws');
  t.throws(() => fillTemplate('{{A}}', { A: 'x', EXTRA: 'y' }), /no placeholder for EXTRA/, 'an unused value throws');
  t.equal(fillTemplate('{{lower}} {{ A }}', {}), '{{lower}} {{ A }}', 'only {{UPPER_CASE}} is a placeholder');
});
