/**
 * The `imdsd run` flags, defined once: parseArgs reads the types, `imdsd run --help` (and
 * `imdsd install --help`, which passes them on) is rendered from the texts by the command
 * table (src/cli/command-table.ts), and the flag ↔ config-field mapping (for error messages and
 * for `--config`) comes from `field` and `scope`. A flag added here is in the help. A flag
 * that is a setting carries its JSON Schema too: this table is where a setting is written.
 */
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';

/** The JSON Schema of one setting's value: the keywords the published schema uses. */
export interface SettingSchema {
  readonly description?: string;
  readonly type?: 'string' | 'integer' | 'boolean' | 'array';
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly items?: SettingSchema;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
}

interface OptionBase {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** What the value is called in the help (`--port N`). */
  readonly value?: string;
  readonly help: string;
  /**
   * `source`: picks the role; `role`: one role's setting, refused with `--config` (put it
   * in the file, per role); `daemon`: a daemon-wide setting, allowed with `--config`.
   */
  readonly scope: 'source' | 'role' | 'daemon';
}

/**
 * A flag that is a config setting: `field` names it in a config file (per role for `source`
 * and `role`, top level for `daemon`), and `schema` is its JSON Schema there, from which the
 * published schema, the validator and the TypeScript types are derived (settings.ts).
 */
interface SettingOption extends OptionBase {
  readonly field: string;
  readonly schema: SettingSchema;
}

/** A flag that is not a config setting (`--config`, `--control-socket`, `--help`, ...). */
interface FlagOnlyOption extends OptionBase {
  readonly field?: never;
  readonly schema?: never;
}

export type RunOption = SettingOption | FlagOnlyOption;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The defaults of the settings that have one, which their help and schema texts quote. */
export const DEFAULTS = {
  /** The IMDS port of the first role; further roles in a file must name theirs. */
  port: DEFAULT_IMDS_PORT,
  logLevel: 'info' as (typeof LOG_LEVELS)[number],
  /** Seconds between periodic checks (missed timers, sleep/wake, clock steps). */
  tickSec: 30,
  /** Warn this long before a credential that is failing to refresh runs out. */
  expiryWarningSec: 600,
  /** Warn 30 and 5 minutes before an SSO login that cannot be renewed ends (issue 13). */
  ssoWarningSec: [1800, 300] as readonly number[],
  /** Expiry warnings also go to the desktop unless `--no-desktop-notify` or `desktopNotify: false`. */
  desktopNotify: true,
} as const;

export const RUN_OPTIONS = {
  profile: { type: 'string', value: 'NAME', scope: 'source', field: 'profile',
    help: 'a profile of ~/.aws/config: a role, an SSO permission set, a credential_process or an IAM user (default: $AWS_PROFILE, else "default")',
    schema: { description: 'A profile of the AWS shared config: a role (role_arn with source_profile or credential_source), an SSO permission set, a credential_process or an IAM user\'s keys.',
      type: 'string', minLength: 1 } },
  'role-arn': { type: 'string', value: 'ARN', scope: 'source', field: 'roleArn',
    help: 'assume ARN with source credentials from the default chain (environment, AWS_PROFILE, SSO, credential_process, ...)',
    schema: { description: 'The role to assume with source credentials from the standard chain of the daemon\'s environment.',
      type: 'string', pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$' } },
  'role-name': { type: 'string', value: 'NAME', scope: 'role', field: 'roleName',
    help: 'name served under iam/security-credentials/ (default: from the ARN; the profile\'s name for a process or IAM-user profile)',
    schema: { description: 'Name served under iam/security-credentials/. Default: the role\'s name from its ARN.',
      type: 'string', pattern: '^[\\w+=,.@-]{1,128}$' } },
  port: { type: 'string', value: 'N', scope: 'role', field: 'port',
    help: `IMDS port (default ${DEFAULTS.port}; 0 picks a free one)`,
    schema: { description: 'IMDS port for this role (0 picks a free one).',
      type: 'integer', minimum: 0, maximum: 65535 } },
  host: { type: 'string', value: 'H', scope: 'role', field: 'host',
    help: 'listen address (default: loopback, both 127.0.0.1 and ::1); another needs --allow-cidr',
    schema: { description: 'Address to listen on. Default: loopback, both 127.0.0.1 and ::1.',
      type: 'string', minLength: 1 } },
  region: { type: 'string', value: 'R', scope: 'role', field: 'region',
    help: 'STS region (default: AWS_REGION, the profile\'s, else us-east-1)',
    schema: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$' } },
  duration: { type: 'string', value: 'SECONDS', scope: 'role', field: 'durationSec',
    help: 'AssumeRole DurationSeconds, 900-43200 (default: STS\'s, 3600); for an IAM user\'s profile the session, up to 129600 (default 43200)',
    schema: { description: 'AssumeRole DurationSeconds (900-43200), or for an IAM user\'s profile the GetSessionToken session (up to 129600).',
      type: 'integer', minimum: 900, maximum: 129600 } },
  'refresh-before': { type: 'string', value: 'SECONDS', scope: 'role', field: 'refreshBeforeSec',
    help: 'refresh when this much lifetime is left (default: half the lifetime, at least 30 minutes before expiry)',
    schema: { description: 'Refresh when this much lifetime is left. Default: half the lifetime, and at least 30 minutes before expiry. At least 120: nothing is served in the last 60 s, and a failed refresh needs time for a retry before that.',
      type: 'integer', minimum: 120, maximum: 43200 } },
  'session-name': { type: 'string', value: 'NAME', scope: 'role', field: 'sessionName',
    help: 'RoleSessionName (default imdsd-<user>)',
    schema: { type: 'string', pattern: '^[\\w+=,.@-]{2,64}$' } },
  'external-id': { type: 'string', value: 'ID', scope: 'role', field: 'externalId',
    help: 'ExternalId for the trust policy (a command line is visible to every local user: prefer --external-id-file or IMDSD_EXTERNAL_ID)',
    schema: { type: 'string', pattern: '^[\\w+=,.@:/-]{2,1224}$' } },
  'external-id-file': { type: 'string', value: 'FILE', scope: 'role',
    help: 'read the ExternalId from FILE (its first line); $IMDSD_EXTERNAL_ID is read when neither is given' },
  'imds-v1': { type: 'boolean', scope: 'role', field: 'imdsV1',
    help: 'also answer token-less IMDSv1 GETs (default: IMDSv2 required)',
    schema: { description: 'Allow token-less (IMDSv1) GETs. Default false: IMDSv2 required.',
      type: 'boolean' } },
  'allow-uid': { type: 'string', multiple: true, value: 'UID', scope: 'role', field: 'allowUids',
    help: 'Linux: another local user that may read the credential (repeatable; default: only the owner)',
    schema: { description: 'Linux: local users (uids) besides the daemon\'s owner that may read this role\'s credential.',
      type: 'array', items: { type: 'integer', minimum: 0 }, uniqueItems: true } },
  'allow-cidr': { type: 'string', multiple: true, value: 'CIDR', scope: 'role', field: 'allowCidrs',
    help: 'client network for a non-loopback --host (repeatable)',
    schema: { description: 'Client networks admitted when listening on a non-loopback --host (e.g. a Docker bridge). Required with such a host.',
      type: 'array', items: { type: 'string', pattern: '^[0-9a-fA-F:.]+/\\d{1,3}$' }, uniqueItems: true } },
  'allow-host': { type: 'string', multiple: true, value: 'NAME', scope: 'role', field: 'allowHosts',
    help: 'an extra Host name to serve (repeatable; default: localhost, 127.0.0.1, [::1])',
    schema: { description: 'Host header names served besides localhost, 127.0.0.1 and [::1] (DNS-rebinding defence).',
      type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9.:_-]{1,253}$' }, uniqueItems: true } },
  'allow-forwarded': { type: 'boolean', scope: 'role', field: 'allowForwarded',
    help: 'serve GETs carrying X-Forwarded-For (token PUTs never)',
    schema: { description: 'Serve GETs that carry X-Forwarded-For (token PUTs never). Default false.',
      type: 'boolean' } },
  'link-local': { type: 'boolean', scope: 'role', field: 'linkLocal',
    help: 'serve the EC2 metadata address itself (set by imdsd install --link-local, which passes 169.254.169.254:80): accept Host 169.254.169.254 and [fd00:ec2::254]',
    schema: { description: 'Link-local mode (imdsd install --link-local): also accept the Host names 169.254.169.254 and [fd00:ec2::254], which the installed units route to this role. Default false.',
      type: 'boolean' } },
  'mfa-session-duration': { type: 'string', value: 'SECONDS', scope: 'role', field: 'mfaSessionDurationSec',
    help: 'one MFA code\'s session, 900-129600 (default: the profile\'s mfa_session_duration, else 43200)',
    schema: { description: 'For profiles with mfa_serial: how long one MFA code\'s session lasts (GetSessionToken DurationSeconds). Default: the profile\'s mfa_session_duration, else 43200.',
      type: 'integer', minimum: 900, maximum: 129600 } },
  tick: { type: 'string', value: 'SECONDS', scope: 'daemon', field: 'tickSec',
    help: `periodic check for missed timers and sleep/wake; divides a minute or an hour (default ${DEFAULTS.tickSec})`,
    schema: { description: 'Seconds between the periodic checks that catch missed timers, sleep/wake and clock steps. Must divide a minute or an hour evenly (a cron schedule).',
      enum: [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60, 120, 180, 240, 300, 360, 600, 720, 900, 1200, 1800, 3600] } },
  config: { type: 'string', value: 'FILE', scope: 'source',
    help: 'several roles, each on its own port (JSON; schema/config.schema.json)' },
  'log-level': { type: 'string', value: 'LEVEL', scope: 'daemon', field: 'logLevel',
    help: `${LOG_LEVELS.join('|')} (default ${DEFAULTS.logLevel})`,
    schema: { description: 'pino log level.',
      enum: LOG_LEVELS } },
  'control-socket': { type: 'string', value: 'PATH', scope: 'daemon',
    help: 'the control socket (default: $XDG_RUNTIME_DIR/imdsd/control.sock, else ~/.imdsd/run/control.sock)' },
  'metrics-port': { type: 'string', value: 'N', scope: 'daemon',
    help: 'also serve /metrics on 127.0.0.1:N (default: off); like the IMDS port, only to the owner on Linux' },
  'metrics-allow-uid': { type: 'string', multiple: true, value: 'UID', scope: 'daemon',
    help: 'Linux: another local user that may scrape --metrics-port, e.g. Prometheus\'s (repeatable)' },
  'expiry-warning': { type: 'string', value: 'SECONDS', scope: 'daemon', field: 'expiryWarningSec',
    help: `warn when a failing role has this little left (default ${DEFAULTS.expiryWarningSec})`,
    schema: { description: `Warn (log, desktop notification, hook) when refreshes are failing and a credential has this many seconds left. Default ${DEFAULTS.expiryWarningSec}.`,
      type: 'integer', minimum: 60, maximum: 43200 } },
  'sso-warning': { type: 'string', multiple: true, value: 'SECONDS', scope: 'daemon', field: 'ssoWarningSec',
    help: `warn when an SSO login has this long left (repeatable; default ${DEFAULTS.ssoWarningSec.join(' and ')})`,
    schema: { description: `For SSO profiles whose login cannot be renewed by the SDK: warn (log, desktop notification, hook) when the login has this many seconds left, once per threshold and login. Default [${DEFAULTS.ssoWarningSec.join(', ')}].`,
      type: 'array', maxItems: 5, items: { type: 'integer', minimum: 60, maximum: 86400 } } },
  'on-expiry-warning': { type: 'string', value: 'CMD', scope: 'daemon', field: 'onExpiryWarning',
    help: 'shell command run per warning, with IMDSD_ROLE, IMDSD_EXPIRES_AT, IMDSD_SECONDS_LEFT, IMDSD_ERROR_CODE, IMDSD_MESSAGE, IMDSD_HINT',
    schema: { description: 'A shell command run on each expiry warning, with IMDSD_ROLE, IMDSD_EXPIRES_AT, IMDSD_SECONDS_LEFT, IMDSD_ERROR_CODE, IMDSD_MESSAGE and IMDSD_HINT in its environment.',
      type: 'string', minLength: 1 } },
  'no-desktop-notify': { type: 'boolean', scope: 'daemon', field: 'desktopNotify',
    help: 'no desktop notifications (osascript, notify-send)',
    schema: { description: `Also show expiry warnings as desktop notifications (osascript / notify-send). Default ${DEFAULTS.desktopNotify}.`,
      type: 'boolean' } },
  help: { type: 'boolean', short: 'h', scope: 'daemon', help: 'print this help' },
} as const satisfies Record<string, RunOption>;

export type RunOptionName = keyof typeof RUN_OPTIONS;

const NAMES = Object.keys(RUN_OPTIONS) as RunOptionName[];
const option = (name: RunOptionName): RunOption => RUN_OPTIONS[name];

/**
 * The flags that set one role's settings (a `source` one that is a setting picks the role's
 * credential): with `--config` they belong in the file.
 */
export const ROLE_FLAGS: readonly RunOptionName[] = NAMES.filter((name) => {
  const { scope, field } = option(name);
  return scope === 'role' || (scope === 'source' && field !== undefined);
});

/** Config field → the flag that sets it, for messages that name what the user typed. */
export const FLAG_OF_FIELD: Readonly<Record<string, string>> = Object.fromEntries(
  NAMES.flatMap((name) => { const field = option(name).field; return field === undefined ? [] : [[field, `--${name}`]]; }));
