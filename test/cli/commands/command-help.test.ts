/**
 * Issue 12: help that tells the truth. Every option a daemon-facing command accepts is in
 * its --help, and the help names nothing the command does not accept; `--help` works for
 * each of them from the installed CLI.
 */
import { execFile } from 'node:child_process';
import t from 'tap';
import { COMMAND_HELP, renderCommandHelp, wantsHelp } from '../../../src/cli/commands/command-help.js';
import { CLI } from '../../support/daemon-process.js';

const MODULES: Record<string, () => Promise<{ OPTIONS: Record<string, unknown> }>> = {
  status: () => import('../../../src/cli/commands/status.js'),
  refresh: () => import('../../../src/cli/commands/refresh.js'),
  env: () => import('../../../src/cli/commands/env.js'),
  'credential-process': () => import('../../../src/cli/commands/credential-process.js'),
  mfa: () => import('../../../src/cli/commands/mfa.js'),
};

t.test('each command\'s help lists exactly the options its parser takes', async (t) => {
  t.same(Object.keys(COMMAND_HELP).sort(), Object.keys(MODULES).sort(), 'every daemon-facing command has a help text');
  for (const [command, load] of Object.entries(MODULES)) {
    const { OPTIONS } = await load();
    const help = COMMAND_HELP[command];
    if (help === undefined) continue;
    const documented = Object.keys(help.options).map((flag) => flag.split(' ')[0]?.replace(/^--/, '')).sort();
    t.same(documented, Object.keys(OPTIONS).sort(), `${command}: help and parser name the same options`);
    const text = renderCommandHelp(command, help);
    for (const name of Object.keys(OPTIONS)) t.match(text, `--${name}`, `${command} --help shows --${name}`);
    t.match(text, /^Usage: imdsd /, `${command} --help starts with its usage line`);
    t.match(text, /Exit codes: 0 /, `${command} --help states its exit codes`);
  }
});

t.test('--help and -h are seen before --, not after', async (t) => {
  t.equal(wantsHelp(['--help']), true, '--help');
  t.equal(wantsHelp(['--role', 'dev', '-h']), true, '-h after another option');
  t.equal(wantsHelp(['--', '--help']), false, 'after -- it is an argument');
  t.equal(wantsHelp(['--role', 'dev']), false, 'no help asked');
});

t.test('imdsd <command> --help prints the help and exits 0, with no daemon running', async (t) => {
  for (const command of Object.keys(COMMAND_HELP)) {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [CLI, command, '--help'], { env: { PATH: process.env.PATH, HOME: '/nonexistent' } }, (error, stdout) => {
        resolve({ code: error === null ? 0 : Number(error.code), stdout });
      });
    });
    t.equal(result.code, 0, `imdsd ${command} --help exits 0`);
    t.match(result.stdout, `Usage: imdsd ${command} `, `imdsd ${command} --help prints its usage`);
  }
});
