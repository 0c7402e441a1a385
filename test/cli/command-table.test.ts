/**
 * Issue 20: every command is an entry of one table, and the installed CLI answers from
 * it. For each command: `imdsd CMD --help` (and `imdsd help CMD`) exits 0 and lists every
 * option of its entry; an unknown flag is one line on stderr and exit 78 (EX_CONFIG).
 */
import t from 'tap';
import { COMMANDS, type CommandName } from '../../src/cli/command-table.js';
import { EXIT } from '../../src/contract/exit-codes.js';
import { runImdsd } from '../support/daemon-process.js';

/** No configuration at all: the answers come from the table alone. */
const BARE = { PATH: process.env.PATH, HOME: '/nonexistent' };


const names = Object.keys(COMMANDS) as CommandName[];

t.test('the table: every command declares its exit codes from the contract, 0 and 78 among them', async (t) => {
  const contract: readonly number[] = Object.values(EXIT);
  t.ok(names.length >= 11, 'run, install, uninstall, the client commands, version and help');
  for (const name of names) {
    const codes = COMMANDS[name].exits.map(([code]) => code);
    t.ok(codes.every((code) => contract.includes(code)), `${name}: ${codes.join(', ')} are contract exit codes`);
    t.ok(codes.includes(EXIT.OK) && codes.includes(EXIT.CONFIG), `${name}: 0 and 78 (a bad flag)`);
  }
});

t.test('imdsd CMD --help exits 0 and lists every option of CMD, with no daemon running', async (t) => {
  await Promise.all(names.map(async (name) => {
    const [help, viaHelp] = await Promise.all([runImdsd([name, '--help'], BARE), runImdsd(['help', name], BARE)]);
    t.equal(help.code, 0, `imdsd ${name} --help exits 0`);
    t.equal(help.stderr, '', `imdsd ${name} --help: nothing on stderr`);
    t.match(help.stdout, new RegExp(`^Usage: imdsd ${name}`), `imdsd ${name} --help prints its usage`);
    for (const option of [...Object.keys(COMMANDS[name].options), 'help']) {
      t.match(help.stdout, new RegExp(`--${option}\\b`), `imdsd ${name} --help lists --${option}`);
    }
    t.same(viaHelp, help, `imdsd help ${name} prints the same`);
  }));
});

t.test('an unknown flag: one line on stderr naming it, exit 78, for every command', async (t) => {
  await Promise.all(names.map(async (name) => {
    const ran = await runImdsd([name, '--no-such-flag'], BARE);
    t.equal(ran.code, 78, `imdsd ${name} --no-such-flag exits 78`);
    t.equal(ran.stderr.split('\n').filter(Boolean).length, 1, `imdsd ${name}: one line on stderr`);
    t.match(ran.stderr, new RegExp(`^imdsd: imdsd ${name}: Unknown option '--no-such-flag'.* \\(fix: see \`imdsd ${name} --help\`\\)\\n$`), `imdsd ${name}: names the flag and the help`);
    t.equal(ran.stdout, '', `imdsd ${name}: nothing on stdout`);
  }));
});

t.test('top level: --help, -h and no command list every command; --version and -v are version', async (t) => {
  const [help, short, none, version, v, unknown] = await Promise.all([
    runImdsd(['--help'], BARE), runImdsd(['-h'], BARE), runImdsd([], BARE), runImdsd(['--version'], BARE), runImdsd(['-v'], BARE), runImdsd(['help', 'frobnicate'], BARE)]);
  t.equal(help.code, 0, '--help exits 0');
  for (const name of names) t.match(help.stdout, `\n  ${name}`, `--help lists ${name}`);
  t.same([short.stdout, none.stdout], [help.stdout, help.stdout], '-h and no command print the same');
  t.equal(version.code, 0, '--version exits 0');
  t.match(version.stdout, /^\d+\.\d+\.\d+/, 'the version');
  t.same(v, version, '-v is --version');
  t.equal(unknown.code, 1, 'help for no such command exits 1, as an unknown command does');
  t.match(unknown.stderr, /^imdsd: unknown command "frobnicate"\n/, 'and says so');
});
