/** The one argument parser (issue 20): what the table declares is what it takes. */
import t from 'tap';
import { parseCommand, wantsHelp } from '../../src/cli/parse-command.js';

t.test('values typed as the table declares them', async (t) => {
  const { values } = parseCommand('status', ['--role', 'dev', '--json', '--interval', '5', '--control-socket', '/s']);
  t.same(values, { role: 'dev', json: true, interval: '5', 'control-socket': '/s' }, 'strings and booleans');
  t.same(parseCommand('run', ['--allow-uid', '1', '--allow-uid', '2']).values, { 'allow-uid': ['1', '2'] }, 'a repeatable flag keeps every value');
  t.same(parseCommand('install', ['--system', '--user', 'ci', '--port', '1400']).values, { system: true, user: 'ci', port: '1400' }, 'install takes run flags too');
  t.equal(parseCommand('doctor', ['-h']).values.help, true, 'every command takes -h');
});

t.test('an unknown or malformed flag is a configuration error naming the command and its help', async (t) => {
  t.throws(() => parseCommand('refresh', ['--bogus']),
    { code: 'IMDSD_ERR_CONFIG', message: /^imdsd refresh: Unknown option '--bogus'/, hint: 'see `imdsd refresh --help`' }, 'unknown');
  t.throws(() => parseCommand('env', ['--role']), { code: 'IMDSD_ERR_CONFIG', message: /^imdsd env: Option '--role <value>' argument missing/ }, 'a value left out');
  t.throws(() => parseCommand('uninstall', ['--port', '1']), { code: 'IMDSD_ERR_CONFIG', message: /^imdsd uninstall: Unknown option '--port'/ }, 'run flags are not uninstall flags');
});

t.test('operands are counted against the table', async (t) => {
  t.same(parseCommand('mfa', ['123456', '--role', 'dev']).positionals, ['123456'], 'mfa CODE');
  t.throws(() => parseCommand('mfa', []), { code: 'IMDSD_ERR_CONFIG', message: 'imdsd mfa: CODE is missing' }, 'mfa without its code');
  t.throws(() => parseCommand('mfa', ['1', '2']), { code: 'IMDSD_ERR_CONFIG', message: 'imdsd mfa: unexpected argument 2' }, 'mfa with two');
  t.throws(() => parseCommand('doctor', ['extra']), { code: 'IMDSD_ERR_CONFIG', message: 'imdsd doctor: unexpected argument extra' }, 'none for doctor');
  t.throws(() => parseCommand('run', ['dev']), { code: 'IMDSD_ERR_CONFIG', message: 'imdsd run: unexpected argument dev' }, 'none for run');
  t.same(parseCommand('credential-process', ['dev']).positionals, ['dev'], 'credential-process still ignores a stray one, as it always has');
  t.same(parseCommand('help', ['env']).positionals, ['env'], 'help COMMAND');
});

t.test('--help and -h are seen before --, not after', async (t) => {
  t.equal(wantsHelp(['--help']), true, '--help');
  t.equal(wantsHelp(['--role', 'dev', '-h']), true, '-h after another option');
  t.equal(wantsHelp(['--', '--help']), false, 'after -- it is an argument');
  t.equal(wantsHelp(['--role', 'dev']), false, 'no help asked');
});
