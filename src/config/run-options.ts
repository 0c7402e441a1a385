/**
 * The `imdsd run` flags, defined once: parseArgs reads the types, `imdsd run --help` (and
 * `imdsd install --help`, which passes them on) is rendered from the texts by the command
 * table (src/cli/command-table.ts), and the flag ↔ config-field mapping (for error messages and
 * for `--config`) comes from `field` and `scope`. A flag added here is in the help.
 */
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';

export interface RunOption {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** What the value is called in the help (`--port N`). */
  readonly value?: string;
  readonly help: string;
  /** The config field the flag sets; absent for flags that are not config. */
  readonly field?: string;
  /**
   * `source`: picks the role; `role`: one role's setting, refused with `--config` (put it
   * in the file, per role); `daemon`: a daemon-wide setting, allowed with `--config`.
   */
  readonly scope: 'source' | 'role' | 'daemon';
}

export const RUN_OPTIONS = {
  profile: { type: 'string', value: 'NAME', scope: 'source', field: 'profile',
    help: 'a profile of ~/.aws/config: a role, an SSO permission set, a credential_process or an IAM user (default: $AWS_PROFILE, else "default")' },
  'role-arn': { type: 'string', value: 'ARN', scope: 'source', field: 'roleArn',
    help: 'assume ARN with source credentials from the default chain (environment, AWS_PROFILE, SSO, credential_process, ...)' },
  'role-name': { type: 'string', value: 'NAME', scope: 'role', field: 'roleName',
    help: 'name served under iam/security-credentials/ (default: from the ARN; the profile\'s name for a process or IAM-user profile)' },
  port: { type: 'string', value: 'N', scope: 'role', field: 'port',
    help: `IMDS port (default ${DEFAULT_IMDS_PORT}; 0 picks a free one)` },
  host: { type: 'string', value: 'H', scope: 'role', field: 'host',
    help: 'listen address (default: loopback, both 127.0.0.1 and ::1); another needs --allow-cidr' },
  region: { type: 'string', value: 'R', scope: 'role', field: 'region',
    help: 'STS region (default: AWS_REGION, the profile\'s, else us-east-1)' },
  duration: { type: 'string', value: 'SECONDS', scope: 'role', field: 'durationSec',
    help: 'AssumeRole DurationSeconds, 900-43200 (default: STS\'s, 3600); for an IAM user\'s profile the session, up to 129600 (default 43200)' },
  'refresh-before': { type: 'string', value: 'SECONDS', scope: 'role', field: 'refreshBeforeSec',
    help: 'refresh when this much lifetime is left (default: half the lifetime, at least 30 minutes before expiry)' },
  'session-name': { type: 'string', value: 'NAME', scope: 'role', field: 'sessionName',
    help: 'RoleSessionName (default imdsd-<user>)' },
  'external-id': { type: 'string', value: 'ID', scope: 'role', field: 'externalId',
    help: 'ExternalId for the trust policy (a command line is visible to every local user: prefer --external-id-file or IMDSD_EXTERNAL_ID)' },
  'external-id-file': { type: 'string', value: 'FILE', scope: 'role',
    help: 'read the ExternalId from FILE (its first line); $IMDSD_EXTERNAL_ID is read when neither is given' },
  'imds-v1': { type: 'boolean', scope: 'role', field: 'imdsV1',
    help: 'also answer token-less IMDSv1 GETs (default: IMDSv2 required)' },
  'allow-uid': { type: 'string', multiple: true, value: 'UID', scope: 'role', field: 'allowUids',
    help: 'Linux: another local user that may read the credential (repeatable; default: only the owner)' },
  'allow-cidr': { type: 'string', multiple: true, value: 'CIDR', scope: 'role', field: 'allowCidrs',
    help: 'client network for a non-loopback --host (repeatable)' },
  'allow-host': { type: 'string', multiple: true, value: 'NAME', scope: 'role', field: 'allowHosts',
    help: 'an extra Host name to serve (repeatable; default: localhost, 127.0.0.1, [::1])' },
  'allow-forwarded': { type: 'boolean', scope: 'role', field: 'allowForwarded',
    help: 'serve GETs carrying X-Forwarded-For (token PUTs never)' },
  'link-local': { type: 'boolean', scope: 'role', field: 'linkLocal',
    help: 'serve the EC2 metadata address itself (set by imdsd install --link-local, which passes 169.254.169.254:80): accept Host 169.254.169.254 and [fd00:ec2::254]' },
  'mfa-session-duration': { type: 'string', value: 'SECONDS', scope: 'role', field: 'mfaSessionDurationSec',
    help: 'one MFA code\'s session, 900-129600 (default: the profile\'s mfa_session_duration, else 43200)' },
  tick: { type: 'string', value: 'SECONDS', scope: 'daemon', field: 'tickSec',
    help: 'periodic check for missed timers and sleep/wake; divides a minute or an hour (default 30)' },
  config: { type: 'string', value: 'FILE', scope: 'source',
    help: 'several roles, each on its own port (JSON; schema/config.schema.json)' },
  'log-level': { type: 'string', value: 'LEVEL', scope: 'daemon', field: 'logLevel',
    help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  'control-socket': { type: 'string', value: 'PATH', scope: 'daemon',
    help: 'the control socket (default: $XDG_RUNTIME_DIR/imdsd/control.sock, else ~/.imdsd/run/control.sock)' },
  'metrics-port': { type: 'string', value: 'N', scope: 'daemon',
    help: 'also serve /metrics on 127.0.0.1:N (default: off); like the IMDS port, only to the owner on Linux' },
  'metrics-allow-uid': { type: 'string', multiple: true, value: 'UID', scope: 'daemon',
    help: 'Linux: another local user that may scrape --metrics-port, e.g. Prometheus\'s (repeatable)' },
  'expiry-warning': { type: 'string', value: 'SECONDS', scope: 'daemon', field: 'expiryWarningSec',
    help: 'warn when a failing role has this little left (default 600)' },
  'sso-warning': { type: 'string', multiple: true, value: 'SECONDS', scope: 'daemon', field: 'ssoWarningSec',
    help: 'warn when an SSO login has this long left (repeatable; default 1800 and 300)' },
  'on-expiry-warning': { type: 'string', value: 'CMD', scope: 'daemon', field: 'onExpiryWarning',
    help: 'shell command run per warning, with IMDSD_ROLE, IMDSD_EXPIRES_AT, IMDSD_SECONDS_LEFT, IMDSD_ERROR_CODE, IMDSD_MESSAGE, IMDSD_HINT' },
  'no-desktop-notify': { type: 'boolean', scope: 'daemon', field: 'desktopNotify',
    help: 'no desktop notifications (osascript, notify-send)' },
  help: { type: 'boolean', short: 'h', scope: 'daemon', help: 'print this help' },
} as const satisfies Record<string, RunOption>;

export type RunOptionName = keyof typeof RUN_OPTIONS;

const NAMES = Object.keys(RUN_OPTIONS) as RunOptionName[];
const option = (name: RunOptionName): RunOption => RUN_OPTIONS[name];

/** The flags that set one role's settings: with `--config` they belong in the file. */
export const ROLE_FLAGS: readonly RunOptionName[] = NAMES.filter((name) => option(name).scope === 'role' || name === 'profile' || name === 'role-arn');

/** Config field → the flag that sets it, for messages that name what the user typed. */
export const FLAG_OF_FIELD: Readonly<Record<string, string>> = Object.fromEntries(
  NAMES.flatMap((name) => { const field = option(name).field; return field === undefined ? [] : [[field, `--${name}`]]; }));
