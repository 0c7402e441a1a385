import t from 'tap';
import { quoteFor, shellWord } from '../../src/cli/shell-quote.js';

t.test('each shell reads the quoted value back unchanged', async (t) => {
  t.equal(quoteFor('bash', "it's"), "'it'\\''s'", 'POSIX: close, escaped quote, reopen');
  t.equal(quoteFor('zsh', '$HOME'), "'$HOME'", 'no expansion inside single quotes');
  t.equal(quoteFor('fish', "a\\b'c"), "'a\\\\b\\'c'", 'fish: backslash and quote escaped');
  t.equal(quoteFor('powershell', "it's"), "'it''s'", 'PowerShell: the quote doubled');
});

t.test('a displayed command word is quoted only when it needs it', async (t) => {
  t.equal(shellWord('/usr/bin/systemctl'), '/usr/bin/systemctl', 'plain');
  t.equal(shellWord('gui/501 x'), "'gui/501 x'", 'a space');
});
