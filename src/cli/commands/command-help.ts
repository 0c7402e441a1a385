/**
 * `imdsd <command> --help` for the commands that talk to the running daemon. Each text
 * names every option its command's parser accepts (test/cli/commands/command-help.test.ts
 * holds the two together), so the help cannot drift from what the command takes.
 */

export interface CommandHelp {
  /** What follows `imdsd <command>` in the usage line. */
  readonly synopsis: string;
  readonly about: string;
  /** Each option the command accepts, as `--flag VALUE` → what it does. */
  readonly options: Readonly<Record<string, string>>;
  readonly exits: string;
}

const CONTROL_SOCKET = {
  '--control-socket PATH': "the daemon's control socket (default: $IMDSD_CONTROL_SOCKET, else\n$XDG_RUNTIME_DIR/imdsd/control.sock, else ~/.imdsd/run/control.sock)",
};
const CLIENT_EXITS = 'Exit codes: 0 done, 1 the daemon reported a problem, 3 no daemon runs, 78 bad flags.';

export const COMMAND_HELP: Readonly<Record<string, CommandHelp>> = {
  status: {
    synopsis: '[--role NAME] [--json] [--watch [--interval SECONDS]]',
    about: "Shows each role the daemon serves: where its credentials come from, expiry, last and next\nrefresh, the clock offset against STS, and the last error with its fix.",
    options: {
      '--role NAME': 'only this role',
      '--json': 'the status document, for scripts',
      '--watch': 'redraw until Ctrl-C',
      '--interval SECONDS': 'with --watch, seconds between redraws (default 2, at least 0.2)',
      ...CONTROL_SOCKET,
    },
    exits: 'Exit codes: 0 every role holds a credential, 1 one does not, 3 no daemon runs, 78 bad flags.',
  },
  refresh: {
    synopsis: '[--role NAME] [--json]',
    about: 'Refreshes now (every role, or one) and reports the new expiry or the error with its fix.',
    options: { '--role NAME': 'only this role', '--json': 'the outcomes as JSON', ...CONTROL_SOCKET },
    exits: CLIENT_EXITS,
  },
  env: {
    synopsis: '[--role NAME] [--shell bash|zsh|fish|powershell] [--ecs] [--port N]',
    about: 'Prints the exports a shell needs to get credentials from the daemon, for\n  eval "$(imdsd env)"\nin a shell profile: the IMDS endpoint (or with --ecs the container-credentials endpoint\nand its token), and NO_PROXY/no_proxy extended with the loopback names.',
    options: {
      '--role NAME': 'the role whose port to use (default: the first)',
      '--shell SHELL': 'bash, zsh, fish or powershell (default: from $SHELL, else bash)',
      '--ecs': 'the container-credentials endpoint instead of IMDS (SDKs try it first)',
      '--port N': 'the IMDS port to print (default: the role\'s, or 1338 when no daemon runs)',
      ...CONTROL_SOCKET,
    },
    exits: CLIENT_EXITS,
  },
  'credential-process': {
    synopsis: '--role NAME',
    about: 'Prints the credential_process JSON of a role, for a profile in ~/.aws/config:\n  credential_process = imdsd credential-process --role NAME',
    options: { '--role NAME': 'the role (may be left out when the daemon serves one role)', ...CONTROL_SOCKET },
    exits: CLIENT_EXITS,
  },
  mfa: {
    synopsis: 'CODE [--role NAME]',
    about: "Starts the MFA session of a role whose profile has mfa_serial, with the six digits\nyour MFA device shows, and refreshes the role with it.",
    options: { '--role NAME': 'the role (may be left out when one role needs MFA)', ...CONTROL_SOCKET },
    exits: CLIENT_EXITS,
  },
};

/** True when argv asks for help (before a `--` that ends the options). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}

export function renderCommandHelp(command: string, help: CommandHelp): string {
  const flags = Object.keys(help.options);
  const width = Math.max(...flags.map((flag) => flag.length)) + 2;
  const lines = flags.map((flag) => {
    const [first = '', ...more] = (help.options[flag] ?? '').split('\n');
    return [`  ${flag.padEnd(width)}${first}`, ...more.map((line) => `  ${' '.repeat(width)}${line}`)].join('\n');
  });
  return `Usage: imdsd ${command} ${help.synopsis}\n\n${help.about}\n\nOptions:\n${lines.join('\n')}\n\n${help.exits}\n`;
}
