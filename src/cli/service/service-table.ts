/**
 * The entries of `imdsd install` and `imdsd uninstall` in the command table. Every
 * `imdsd run` flag is an install flag too: it reaches the service's command line.
 */
import { RUN_OPTIONS } from '../../config/run-options.js';
import { EXIT } from '../../contract/exit-codes.js';
import type { CommandSpec } from '../command-spec.js';

const SERVICE_OPTIONS = {
  system: { type: 'boolean', help: 'Linux: a system unit, /etc/systemd/system/imdsd.service (run as root)' },
  'link-local': { type: 'boolean',
    help: 'serve http://169.254.169.254/ itself, so clients need no variable (sudo): Linux: system units for the address '
      + 'on lo, a socket on port 80 (bound by systemd), an nftables rule letting only --user and --allow-uid connect, '
      + 'and the daemon as --user; macOS: a LaunchDaemon adding the lo0 alias and a pf redirect to the agent\'s --port' },
  user: { type: 'string', value: 'NAME', help: 'with --system or --link-local: the account it runs as (default: $SUDO_USER)' },
  'dry-run': { type: 'boolean', help: 'show the file and the commands, change nothing' },
  print: { type: 'boolean', help: 'print only the service definition' },
  platform: { type: 'string', value: 'P', help: 'linux or macos (default: this machine), e.g. with --print' },
  force: { type: 'boolean',
    help: 'as root: install even where node, the CLI or a directory above them can be changed by a user other than '
      + 'root (refused otherwise, exit 78, because root and the units would run that user\'s code)' },
} as const;

export const INSTALL = {
  summary: 'install and start it as a launchd/systemd service (imdsd install --help)',
  synopsis: '[--profile NAME | --role-arn ARN | --config FILE] [imdsd run options] [--system [--user NAME] | --link-local '
    + '[--user NAME]] [--dry-run | --print] [--platform linux|macos]',
  about: 'Installs imdsd as a service that starts at login (or boot, with --system) and restarts after a failure, '
    + 'running `imdsd run` with the given options. Options are checked now, exactly as `imdsd run` checks them.\n'
    + '  macOS   a LaunchAgent: ~/Library/LaunchAgents/dev.imdsd.agent.plist,\n'
    + '          logs in ~/Library/Logs/imdsd/\n'
    + '  Linux   a user unit: ~/.config/systemd/user/imdsd.service (journalctl --user -u imdsd)',
  options: { ...RUN_OPTIONS, ...SERVICE_OPTIONS },
  groups: [{ title: 'Service options', names: Object.keys(SERVICE_OPTIONS) }],
  optionsTitle: 'imdsd run options, passed to the service (see imdsd run --help)',
  notes: 'Without --profile, --role-arn or --config the profile is $AWS_PROFILE, else "default", fixed at install time. '
    + 'AWS_CONFIG_FILE, AWS_REGION, proxy variables and the like are copied into the definition when set; access keys never are.',
  exits: [[EXIT.OK, 'installed (or printed)'], [EXIT.FAILURE, 'anything else, with one line why'],
    [EXIT.CONFIG, 'bad flags, an unsafe install as root, or a path the unit could not reach; nothing written']],
} as const satisfies CommandSpec;

export const UNINSTALL = {
  summary: 'stop and remove the service',
  synopsis: '[--system | --link-local] [--dry-run] [--platform linux|macos]',
  about: 'Stops the imdsd service, removes it from login (or boot) and deletes its definition. Nothing happens when it '
    + 'is not installed.',
  options: {
    system: { type: 'boolean', help: 'Linux: the system unit (run as root)' },
    'link-local': { type: 'boolean', help: 'the link-local units (Linux) or LaunchDaemon and pf rules (macOS), and the 169.254.169.254 address (run as root)' },
    'dry-run': { type: 'boolean', help: 'show the commands, change nothing' },
    platform: { type: 'string', value: 'P', help: 'linux or macos (default: this machine)' },
  },
  exits: [[EXIT.OK, 'removed, or nothing to remove'], [EXIT.FAILURE, 'anything else, with one line why'], [EXIT.CONFIG, 'bad flags']],
} as const satisfies CommandSpec;
