/**
 * Every `imdsd` command, in one table (issue 20): names, synopses, options and exit codes
 * are a contract that scripts and service definitions rely on, so an entry is only ever
 * added to, never renamed or removed. The code that runs each command is loaded by
 * main.ts, lazily; this file is data, cheap to load for `--help`.
 */
import { RUN_OPTIONS, type RunOptionName } from '../config/run-options.js';
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';
import { EXIT } from '../contract/exit-codes.js';
import { CONTROL_SOCKET_OPTION, type CommandSpec } from './command-spec.js';
import { INSTALL, UNINSTALL } from './service/service-table.js';

const RUN_SOURCES = (Object.keys(RUN_OPTIONS) as RunOptionName[]).filter((name) => RUN_OPTIONS[name].scope === 'source');
const BAD_FLAGS = [EXIT.CONFIG, 'bad flags or arguments'] as const;
const NOT_RUNNING = [EXIT.NOT_RUNNING, 'no daemon runs'] as const;
/**
 * Status, refresh, env and credential-process have always ignored stray arguments; a
 * profile's `credential_process = imdsd credential-process dev` may rely on it.
 */
const IGNORED_OPERANDS = { usage: '', min: 0, max: Number.POSITIVE_INFINITY } as const;

const CLIENT_COMMANDS = {
  status: {
    summary: 'show each role: expiry, last and next refresh, errors (--json, --watch)',
    synopsis: '[--role NAME] [--json] [--watch [--interval SECONDS]]',
    about: 'Shows each role the daemon serves: where its credentials come from, expiry, last and next refresh, '
      + 'the clock offset against STS, and the last error with its fix.',
    options: {
      role: { type: 'string', value: 'NAME', help: 'only this role' },
      json: { type: 'boolean', help: 'the status document, for scripts' },
      watch: { type: 'boolean', help: 'redraw until Ctrl-C' },
      interval: { type: 'string', value: 'SECONDS', help: 'with --watch, seconds between redraws (default 2, at least 0.2)' },
      ...CONTROL_SOCKET_OPTION,
    },
    operands: IGNORED_OPERANDS,
    exits: [[EXIT.OK, 'every role holds a credential'], [EXIT.FAILURE, 'one does not, or the daemon reported a problem'], NOT_RUNNING, BAD_FLAGS],
  },
  refresh: {
    summary: 'force a refresh now (--role NAME)',
    synopsis: '[--role NAME] [--json]',
    about: 'Refreshes now (every role, or one) and reports the new expiry or the error with its fix.',
    options: {
      role: { type: 'string', value: 'NAME', help: 'only this role' },
      json: { type: 'boolean', help: 'the outcomes as JSON' },
      ...CONTROL_SOCKET_OPTION,
    },
    operands: IGNORED_OPERANDS,
    exits: [[EXIT.OK, 'every refresh succeeded'], [EXIT.FAILURE, 'one failed, or the daemon reported a problem'], NOT_RUNNING, BAD_FLAGS],
  },
  env: {
    summary: 'print the shell exports (--shell, --ecs) for eval "$(imdsd env)"',
    synopsis: '[--role NAME] [--shell bash|zsh|fish|powershell] [--ecs] [--port N]',
    about: 'Prints the exports a shell needs to get credentials from the daemon, for `eval "$(imdsd env)"` in a shell '
      + 'profile: the IMDS endpoint (or with --ecs the container-credentials endpoint and its token), and NO_PROXY/no_proxy '
      + 'extended with the loopback names.',
    options: {
      role: { type: 'string', value: 'NAME', help: 'the role whose port to use (default: the first)' },
      shell: { type: 'string', value: 'SHELL', help: 'bash, zsh, fish or powershell (default: from $SHELL, else bash)' },
      ecs: { type: 'boolean', help: 'the container-credentials endpoint instead of IMDS (SDKs try it first)' },
      port: { type: 'string', value: 'N', help: `the IMDS port to print (default: the role's, or ${DEFAULT_IMDS_PORT} when no daemon runs)` },
      ...CONTROL_SOCKET_OPTION,
    },
    operands: IGNORED_OPERANDS,
    exits: [[EXIT.OK, `printed (with no daemon running: port ${DEFAULT_IMDS_PORT}, or --port)`], [EXIT.FAILURE, 'no such role, or the daemon reported a problem'], BAD_FLAGS],
  },
  'credential-process': {
    summary: 'print credential_process JSON (--role NAME) for ~/.aws/config',
    synopsis: '--role NAME',
    about: 'Prints the credential_process JSON of a role, for a profile in ~/.aws/config: '
      + '`credential_process = imdsd credential-process --role NAME`. Nothing else goes to stdout.',
    options: { role: { type: 'string', value: 'NAME', help: 'the role (may be left out when the daemon serves one role)' }, ...CONTROL_SOCKET_OPTION },
    operands: IGNORED_OPERANDS,
    exits: [[EXIT.OK, 'printed'], [EXIT.FAILURE, 'no credential, or the daemon reported a problem'], NOT_RUNNING, BAD_FLAGS],
  },
  mfa: {
    summary: 'start the MFA session of a role whose profile has mfa_serial',
    synopsis: 'CODE [--role NAME]',
    about: 'Starts the MFA session of a role whose profile has mfa_serial, with the six digits your MFA device shows '
      + '(CODE), and refreshes the role with it. The code goes over the owner-only control socket, never a TCP port.',
    options: { role: { type: 'string', value: 'NAME', help: 'the role (may be left out when one role needs MFA)' }, ...CONTROL_SOCKET_OPTION },
    operands: { usage: 'CODE', min: 1, max: 1 },
    exits: [[EXIT.OK, 'the role holds a credential'], [EXIT.FAILURE, 'the code or the refresh failed'], NOT_RUNNING, BAD_FLAGS],
  },
  doctor: {
    summary: 'find why AWS tools in this shell do or do not get imdsd\'s credentials',
    synopsis: '[--role NAME] [--json] [--check-env-credentials] [--control-socket PATH]',
    about: 'Checks why AWS tools in this shell do or do not get their credentials from imdsd: the daemon and its IMDS '
      + 'endpoint, the shell\'s AWS variables, ~/.aws files and caches, proxies, the clock and the port. Prints each '
      + 'finding with a one-line fix.',
    options: {
      role: { type: 'string', value: 'NAME', help: 'look at this role (default: the one the endpoint reaches)' },
      json: { type: 'boolean', help: '{"findings": [...], "problems": n, "warnings": n}' },
      'check-env-credentials': { type: 'boolean', help: 'ask STS (GetCallerIdentity) whether exported keys still work' },
      ...CONTROL_SOCKET_OPTION,
    },
    exits: [[EXIT.OK, 'no problem found'], [EXIT.FAILURE, 'at least one problem'], BAD_FLAGS],
  },
} as const satisfies Record<string, CommandSpec>;

export const COMMANDS = {
  run: {
    summary: 'run the daemon in the foreground (see imdsd run --help)',
    synopsis: '[--profile NAME | --role-arn ARN | --config FILE] [options]',
    about: 'Runs the daemon in the foreground: fetches a credential for each role, then serves it as an EC2 instance '
      + 'metadata service and refreshes it before it expires.',
    options: RUN_OPTIONS,
    groups: [{ title: 'Source of the role (one of)', names: RUN_SOURCES }],
    optionsTitle: 'Options (those of one role go in the file, per role, with --config)',
    notes: 'The STS endpoint follows the SDK: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, endpoint_url.\n'
      + 'Signals: SIGTERM/SIGINT shut down gracefully; SIGHUP reloads the configuration.',
    exits: [[EXIT.OK, 'clean shutdown'], [EXIT.FAILURE, 'other failure'], [EXIT.PORT_IN_USE, 'port (or control socket) in use'],
      [EXIT.CONFIG, 'configuration error']],
  },
  install: INSTALL,
  uninstall: UNINSTALL,
  ...CLIENT_COMMANDS,
  version: {
    summary: 'print the version (also --version, -v)',
    synopsis: '',
    about: 'Prints the version of this imdsd.',
    options: {},
    exits: [[EXIT.OK, 'printed'], BAD_FLAGS],
  },
  help: {
    summary: 'this help, or a command\'s (imdsd help COMMAND, as imdsd COMMAND --help)',
    synopsis: '[COMMAND]',
    about: 'Prints the list of commands, or the help of one.',
    options: {},
    operands: { usage: '[COMMAND]', min: 0, max: 1 },
    exits: [[EXIT.OK, 'printed'], [EXIT.FAILURE, 'no such command'], BAD_FLAGS],
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}
