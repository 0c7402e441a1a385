/** Help rendered from the command table (issues 12 and 20): it names every flag there is. */
import t from 'tap';
import { RUN_OPTIONS } from '../../src/config/run-options.js';
import { COMMANDS, type CommandName } from '../../src/cli/command-table.js';
import { renderCommandHelp, renderUsage } from '../../src/cli/help.js';

const names = Object.keys(COMMANDS) as CommandName[];

t.test('imdsd run --help names every option there is, with its text (issue 12)', async (t) => {
  const usage = renderCommandHelp('run');
  const flags = Object.keys(RUN_OPTIONS) as Array<keyof typeof RUN_OPTIONS>;
  t.ok(flags.length >= 25, 'the table holds the run flags');
  for (const name of flags) {
    t.match(usage, new RegExp(`--${name}\\b`), `--${name} is in the help`);
    const firstWords = RUN_OPTIONS[name].help.split(' ').slice(0, 3).join(' ');
    t.ok(usage.replace(/\s+/g, ' ').includes(firstWords), `--${name} is described`);
  }
  t.match(usage, /Source of the role \(one of\):\n {2}--profile NAME/, 'the sources of a role come first');
  t.match(usage.replace(/\s+/g, ' '), /Exit codes: 0 clean shutdown, 1 other failure, 69 port \(or control socket\) in use, 78 configuration error\./, 'its exit codes');
  t.match(usage, /SIGHUP reloads the configuration/, 'and its signals');
});

t.test('the ten options the hand-written help left out are there', async (t) => {
  const usage = renderCommandHelp('run');
  for (const flag of ['--allow-uid', '--allow-cidr', '--allow-host', '--allow-forwarded', '--mfa-session-duration',
    '--expiry-warning', '--on-expiry-warning', '--no-desktop-notify', '--control-socket', '--metrics-port']) {
    t.match(usage, flag, `${flag} is documented`);
  }
});

t.test('install --help shows its own flags first, then every run flag it passes on', async (t) => {
  const usage = renderCommandHelp('install');
  t.match(usage, /Service options:\n {2}--system /, 'service options first');
  for (const flag of Object.keys(RUN_OPTIONS)) t.match(usage, new RegExp(`--${flag}\\b`), `--${flag}`);
  t.match(usage, /--link-local\s+serve http:\/\/169\.254\.169\.254\/ itself/, '--link-local explained as install does it');
  t.equal(usage.match(/--link-local /g)?.length, 2, '--link-local listed once (and named once in the synopsis)');
});

t.test('every help has a usage line, the command\'s text, -h and its exit codes, within 88 columns', async (t) => {
  for (const name of names) {
    const usage = renderCommandHelp(name);
    t.match(usage, new RegExp(`^Usage: imdsd ${name}`), `${name}: usage line`);
    t.match(usage, /-h, --help\s+print this help/, `${name}: -h`);
    t.match(usage, /Exit codes: 0 /, `${name}: exit codes`);
    t.ok(usage.replace(/\s+/g, ' ').includes(COMMANDS[name].about.split(' ').slice(0, 4).join(' ')), `${name}: what it does`);
    for (const line of usage.split('\n')) t.ok(line.length <= 88, `${name}: no line wider than 88 columns: ${line}`);
  }
});

t.test('imdsd --help lists every command with its line', async (t) => {
  const usage = renderUsage();
  for (const name of names) t.match(usage, `\n  ${name}`, `${name} is listed`);
  t.match(usage, /\n {2}mfa CODE {13}start the MFA session/, 'an operand a command needs is shown');
  t.match(usage, /AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/localhost:1338\//, 'and the line for the shell');
});
