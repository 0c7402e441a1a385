/** Help texts of `imdsd install` and `imdsd uninstall`, kept apart so the commands read as control flow. */
export const INSTALL_USAGE = `Usage: imdsd install [--profile NAME | --role-arn ARN | --config FILE] [imdsd run options]
                     [--system [--user NAME] | --link-local [--user NAME]]
                     [--dry-run | --print] [--platform linux|macos]

Installs imdsd as a service that starts at login (or boot, with --system) and restarts
after a failure, running \`imdsd run\` with the given options. Options are checked now,
exactly as \`imdsd run\` checks them.

  macOS   a LaunchAgent: ~/Library/LaunchAgents/dev.imdsd.agent.plist,
          logs in ~/Library/Logs/imdsd/
  Linux   a user unit: ~/.config/systemd/user/imdsd.service (journalctl --user -u imdsd)

Options:
  --system            Linux: a system unit, /etc/systemd/system/imdsd.service (run as root)
  --link-local        serve http://169.254.169.254/ itself, so clients need no variable (sudo):
                      Linux: system units for the address on lo, a socket on port 80
                      (bound by systemd), an nftables rule letting only --user and
                      --allow-uid connect, and the daemon as --user; macOS: a LaunchDaemon
                      adding the lo0 alias and a pf redirect to the agent's --port
  --user NAME         with --system or --link-local: the account it runs as (default: $SUDO_USER)
  --dry-run           show the file and the commands, change nothing
  --print             print only the service definition
  --platform P        linux or macos (default: this machine), e.g. with --print
  --force             as root: install even where node, the CLI or a directory above
                      them can be changed by a user other than root (refused otherwise,
                      exit 78, because root and the units would run that user's code)

Without --profile, --role-arn or --config the profile is $AWS_PROFILE, else "default",
fixed at install time. AWS_CONFIG_FILE, AWS_REGION, proxy variables and the like are
copied into the definition when set; access keys never are.
`;

export const UNINSTALL_USAGE = `Usage: imdsd uninstall [--system | --link-local] [--dry-run] [--platform linux|macos]

Stops the imdsd service, removes it from login (or boot) and deletes its definition.
Nothing happens when it is not installed.

Options:
  --system            Linux: the system unit (run as root)
  --link-local        the link-local units (Linux) or LaunchDaemon and pf rules (macOS),
                      and the 169.254.169.254 address (run as root)
  --dry-run           show the commands, change nothing
  --platform P        linux or macos (default: this machine)
`;
