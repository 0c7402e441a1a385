/**
 * The texts of every definition that root loads (issue 18): the `--system` unit and its
 * socket, the three link-local units, and on macOS the LaunchDaemon and the pf anchor.
 * They are built into the code, never read from the package's template directory at
 * install time: `sudo imdsd install` runs from wherever npm put the package (nvm,
 * ~/.npm-global), a directory the user can write to, and a template edited there would
 * become a unit that runs as root (an `ExecStartPre=+…`, a missing `User=`, a shell in
 * the LaunchDaemon). What root loads is exactly what this file says, as the `imdsd`
 * that root ran was built. Only the per-user definitions, which run as the user anyway,
 * are still read from `systemd/imdsd.service.template` and `launchd/imdsd.plist.template`.
 *
 * Placeholders (`{{NAME}}`) are filled by template.ts, as before.
 */

/** `/etc/systemd/system/imdsd.service` (`--system`), and the base of the link-local service. */
export const SYSTEM_UNIT_TEMPLATE = `# imdsd as a system service for build hosts, written by \`sudo imdsd install --system\` to
# /etc/systemd/system/imdsd.service. It runs as User=, with that account's HOME and
# ~/.aws. Placeholders are filled in by \`imdsd install\`, which quotes every
# ExecStart= argument and Environment= assignment.
# Logs: \`journalctl -u imdsd\` (JSON lines on stdout).

[Unit]
Description=imdsd: fresh AWS credentials through a local EC2 metadata endpoint
# A daemon that keeps failing is given up on instead of looping: a crash loop starts about
# twice a second, so 30 starts in 30 s stop it within about 15 s, while a person restarting
# by hand (every start counts) never gets there.
StartLimitIntervalSec=30
StartLimitBurst=30
{{SOCKET_DEPENDENCY}}
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User={{USER}}
ExecStart={{EXEC_START}}
# The daemon re-reads its configuration and profiles on SIGHUP.
ExecReload=/bin/kill -HUP $MAINPID
{{ENVIRONMENT}}
# %h would be root's home here, so the control socket goes to /run/imdsd; clients on this
# host find it with IMDSD_CONTROL_SOCKET=/run/imdsd/control.sock (as User=).
Environment=IMDSD_CONTROL_SOCKET=%t/imdsd/control.sock
# Restart after a crash or a non-zero exit (69 port in use, 1 anything else) at once:
# clients give IMDS one second, and a crash must not leave them without credentials for
# longer (measured: back within about a second of a kill -9). A clean stop (SIGTERM,
# exit 0) stays down. SIGTERM lets in-flight requests finish within 5 s.
Restart=on-failure
RestartSec=100ms
# 78 (EX_CONFIG) is a configuration error that stays until a person fixes it: no restart,
# the unit stays failed, and \`systemctl --user status imdsd\` shows the daemon's line why.
RestartPreventExitStatus=78
KillSignal=SIGTERM
TimeoutStopSec=10
UMask=0077
# /run/imdsd, owned by User=: the private directory of the control socket.
RuntimeDirectory=imdsd
RuntimeDirectoryMode=0700
# Kept across restarts (removed on stop): the ECS token and the key IMDSv2 tokens are signed
# with live there, so clients' tokens and AWS_CONTAINER_AUTHORIZATION_TOKEN stay valid.
RuntimeDirectoryPreserve=restart

# Hardening for a process that holds credentials.
NoNewPrivileges=yes
CapabilityBoundingSet=
ProtectSystem=strict
# Home directories are readable (~/.aws/config) but not writable. If User= signs in with
# IAM Identity Center, add its SSO token cache, e.g. ReadWritePaths=-/home/ci/.aws/sso/cache.
ProtectHome=read-only
ReadWritePaths=%t/imdsd
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
# AF_NETLINK: each IMDS connection's peer uid is asked of the kernel (sock_diag).
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
SystemCallArchitectures=native
# MemoryDenyWriteExecute= is deliberately NOT set: V8's JIT compiler writes machine code and
# then makes that memory executable, which the setting forbids, so Node.js cannot run under it.

[Install]
WantedBy=multi-user.target
`;

/** `imdsd.socket` beside the service, for the user unit and `--system` alike (one text). */
export const SOCKET_TEMPLATE = `# imdsd's IMDS port(s), written by \`imdsd install\` beside imdsd.service. systemd holds the
# listening sockets and hands them to the daemon (LISTEN_FDS), so while the daemon restarts
# (\`systemctl --user restart imdsd\`, a crash, a reinstall) clients wait a moment in the
# kernel's queue instead of being refused. Measured in CI: no failed request across 10
# restarts under a client polling every 50 ms.
# Stop both with \`systemctl --user stop imdsd.socket imdsd.service\`: while this socket
# listens, the next client starts the service again.

[Unit]
Description=imdsd: the IMDS port(s), kept open across daemon restarts

[Socket]
{{LISTEN_STREAMS}}
# [::1] is IPv6 only (127.0.0.1 has its own line), exactly as the daemon binds by itself.
BindIPv6Only=ipv6-only
# Binds even where ::1 is not configured (net.ipv6.conf.lo.disable_ipv6=1), which would
# otherwise fail the socket and with it the service; the daemon alone skips ::1 there too.
FreeBind=yes

[Install]
WantedBy=sockets.target
`;

/** `/etc/systemd/system/imdsd-link-local.socket`: systemd, as root, binds port 80. */
export const LINK_LOCAL_SOCKET_TEMPLATE = `# The EC2 metadata endpoint itself, port 80 on 169.254.169.254 and [fd00:ec2::254], for
# imdsd's link-local mode (\`sudo imdsd install --link-local\` writes this to
# /etc/systemd/system/imdsd-link-local.socket). systemd binds port 80 as root and passes
# the listening sockets to imdsd-link-local.service, which runs as an ordinary user: the
# daemon never runs as root and never binds a privileged port itself. The sockets outlive
# daemon restarts, so clients queue instead of being refused.

[Unit]
Description=imdsd: the EC2 metadata endpoint 169.254.169.254:80 and [fd00:ec2::254]:80
Requires=imdsd-link-local-address.service
After=imdsd-link-local-address.service

[Socket]
ListenStream=169.254.169.254:80
ListenStream=[fd00:ec2::254]:80
BindIPv6Only=ipv6-only
# Binds even where the IPv6 address could not be added (a machine without IPv6).
FreeBind=yes
Service=imdsd-link-local.service

[Install]
WantedBy=sockets.target
`;

/** `/etc/systemd/system/imdsd-link-local-address.service`: root's `ip` and `nft` commands. */
export const LINK_LOCAL_ADDRESS_TEMPLATE = `# The EC2 metadata addresses on the loopback interface, for imdsd's link-local mode
# (\`sudo imdsd install --link-local\` writes this to
# /etc/systemd/system/imdsd-link-local-address.service). Clients that ignore
# AWS_EC2_METADATA_SERVICE_ENDPOINT call 169.254.169.254 (or fd00:ec2::254 in IPv6 mode);
# with the address on \`lo\` the call stays on this machine. Where nft was installed, it
# first loads the nftables table imdsd_link_local, which resets every new TCP connection
# to port 80 of both addresses from a local socket of a uid that is not allowed: the
# kernel backs the daemon's own peer check. Stopping the unit (and
# \`imdsd uninstall --link-local\`) takes the addresses and the table away again.
# Written from the text built into imdsd, never from a file: root runs these commands.

[Unit]
Description=imdsd: the EC2 metadata addresses 169.254.169.254 and fd00:ec2::254 on lo
DefaultDependencies=no
Before=imdsd-link-local.socket network-pre.target
Wants=network-pre.target
Conflicts=shutdown.target
Before=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
{{FIREWALL_START}}
# \`replace\`, not \`add\`: a second start (or an address left by a crash) is not an error.
ExecStart=ip -4 addr replace 169.254.169.254/32 dev lo
# "-": a machine without IPv6 still gets the IPv4 address.
ExecStart=-ip -6 addr replace fd00:ec2::254/128 dev lo nodad
ExecStop=-ip -4 addr del 169.254.169.254/32 dev lo
ExecStop=-ip -6 addr del fd00:ec2::254/128 dev lo
{{FIREWALL_STOP}}

[Install]
WantedBy=multi-user.target
`;

/** `/Library/LaunchDaemons/dev.imdsd.link-local.plist`: runs as root at every boot. */
export const LAUNCHD_LINK_LOCAL_PLIST_TEMPLATE = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!--
  imdsd's link-local mode on macOS, written by \`sudo imdsd install\` with the link-local
  flag to
  /Library/LaunchDaemons/dev.imdsd.link-local.plist and loaded into the system domain.
  It runs once at every boot (RunAtLoad), as root, and restores what macOS forgets on a
  restart: the EC2 metadata addresses as aliases of lo0, and a pf redirect of port 80 on
  them to the port where the user's imdsd LaunchAgent listens on loopback. It starts no
  daemon: imdsd itself runs as the user (its LaunchAgent, installed without sudo).
  XML comments cannot hold two dashes in a row, hence no flag names here.
  The rules live in their own anchor under com.apple/, which the stock /etc/pf.conf
  already evaluates, so /etc/pf.conf is not edited.
-->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>{{LABEL}}</string>
  <key>ProgramArguments</key>
  <array>
    <string>/bin/sh</string>
    <string>-c</string>
    <string>{{SCRIPT}}</string>
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>StandardErrorPath</key>
  <string>/var/log/imdsd-link-local.log</string>
</dict>
</plist>
`;

/** `/etc/pf.anchors/dev.imdsd`: the pf redirect root loads. */
export const PF_ANCHOR_TEMPLATE = `# imdsd's link-local mode on macOS, written by \`sudo imdsd install --link-local\` to
# /etc/pf.anchors/dev.imdsd and loaded into the pf anchor com.apple/dev.imdsd by the
# LaunchDaemon dev.imdsd.link-local at boot. A local client's call to the EC2 metadata
# address (an alias of lo0) comes back in on lo0, where it is redirected to imdsd's
# loopback port: imdsd never runs as root and never binds port 80. That port is an
# ordinary one: while the agent is down any local user can bind it and answer in imdsd's
# place (docs/link-local.md); \`imdsd doctor\` names such a listener (link-local-redirect).
rdr pass on lo0 inet proto tcp from any to 169.254.169.254 port 80 -> 127.0.0.1 port {{PORT}}
rdr pass on lo0 inet6 proto tcp from any to fd00:ec2::254 port 80 -> ::1 port {{PORT}}
`;
