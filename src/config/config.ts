/**
 * The daemon's configuration: from a JSON file (validated against the published schema)
 * or from flags, which are a shorthand for a one-role file. Every problem is reported
 * together in one line naming the source, the field and the fix, then the result is frozen.
 */
import type { ErrorObject } from 'ajv';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { ImdsdError } from '../errors.js';
import { isLoopback } from '../loopback.js';
import { DEFAULTS } from './run-options.js';
import { CONFIG_SCHEMA, settingsOf, type DaemonSettings, type RoleSpec } from './settings.js';

export type { DaemonSettings, LogLevel, RoleSpec } from './settings.js';
export { DEFAULTS } from './run-options.js';

function isCidr(value: string): boolean {
  const [network = '', prefix = ''] = value.split('/');
  const family = isIP(network);
  const bits = Number(prefix);
  return family !== 0 && Number.isInteger(bits) && bits >= 0 && bits <= (family === 4 ? 32 : 128);
}

/** The daemon-level settings with the defaults filled in; one without a default may stay unset. */
type Defaulted = keyof DaemonSettings & keyof typeof DEFAULTS;
export type ResolvedSettings = { readonly [F in Defaulted]: NonNullable<DaemonSettings[F]> }
  & { readonly [F in Exclude<keyof DaemonSettings, Defaulted>]: DaemonSettings[F] | undefined };

export type DaemonConfig = ResolvedSettings & {
  readonly roles: readonly RoleSpec[];
  /** Where it came from, for messages and for SIGHUP reloads. */
  readonly origin: { readonly kind: 'flags' } | { readonly kind: 'file'; readonly path: string };
};

type CheckedConfig = { roles: RoleSpec[] } & DaemonSettings;

/** Fills in the defaults of the daemon-level settings, each from the flags, else the file, else DEFAULTS. */
export function daemonSettings(file: DaemonSettings, flags: DaemonSettings): ResolvedSettings {
  const defaults: Readonly<Record<string, unknown>> = DEFAULTS;
  const given = (from: DaemonSettings, field: string): unknown => (from as Readonly<Record<string, unknown>>)[field];
  return Object.fromEntries(settingsOf('daemon')
    .map(([, field]) => [field, given(flags, field) ?? given(file, field) ?? defaults[field]])) as ResolvedSettings;
}

/** ajv's validate function: a type guard that leaves its errors on itself. */
interface ConfigValidator {
  (data: unknown): data is CheckedConfig;
  errors?: ErrorObject[] | null | undefined;
}

function isValidator(value: unknown): value is ConfigValidator {
  return typeof value === 'function';
}

/** The options scripts/build-validator.mjs compiles with: keep the two the same. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true } as const;

/** The schema (settings.ts) compiled here, with ajv (from source, or where the build made none). */
export async function compileValidator(): Promise<ConfigValidator> {
  const { Ajv } = await import('ajv');
  return new Ajv(AJV_OPTIONS).compile<CheckedConfig>(CONFIG_SCHEMA);
}

let validator: Promise<ConfigValidator> | undefined;

/**
 * The config validator: the build's precompiled one (dist/src/config/config-validator.js)
 * where it exists, which spares start-up loading ajv and compiling the schema (~100 ms,
 * issue 15); else the schema compiled now.
 */
function configValidator(): Promise<ConfigValidator> {
  validator ??= import(new URL('./config-validator.js', import.meta.url).href)
    .then((module: { default?: unknown }) => (isValidator(module.default) ? module.default : compileValidator()))
    .catch(() => compileValidator());
  return validator;
}

/** How a JSON-pointer into the config is named to the user: a flag or a file field. */
export type FieldNamer = (instancePath: string, property?: string) => string;

const FIXES: Record<string, string> = {
  required: 'add it',
  additionalProperties: 'remove it or check its spelling',
  type: 'give a value of the right type',
  minimum: 'use a larger value',
  maximum: 'use a smaller value',
  pattern: 'use the documented format',
  enum: 'use one of the listed values',
  minItems: 'list at least one role',
  minLength: 'give a non-empty value',
};

function describe(error: ErrorObject, name: FieldNamer): string {
  const params = error.params as Record<string, unknown>;
  const property = typeof params.missingProperty === 'string'
    ? params.missingProperty
    : typeof params.additionalProperty === 'string' ? params.additionalProperty : undefined;
  const field = name(error.instancePath, property);
  const what = error.keyword === 'additionalProperties'
    ? 'is not a known option'
    : error.keyword === 'required'
      ? 'is required'
      : error.keyword === 'enum'
        ? `must be one of ${(params.allowedValues as unknown[]).join(', ')}`
        : error.message ?? 'is invalid';
  return `${field} ${what} (fix: ${FIXES[error.keyword] ?? 'correct the value'})`;
}

/** Field names inside a config file: roles[0].port. */
export const fileFieldNamer: FieldNamer = (path, property) => {
  const parts = path.split('/').filter(Boolean);
  if (property !== undefined) parts.push(property);
  return parts.map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`)).join('') || '(top level)';
};

/** Checks a raw config object; throws one IMDSD_ERR_CONFIG listing every problem. */
export async function checkConfig(raw: unknown, where: string, name: FieldNamer): Promise<CheckedConfig> {
  const validate = await configValidator();
  const problems: string[] = [];
  if (!validate(raw)) {
    for (const error of validate.errors ?? []) problems.push(describe(error, name));
  } else {
    const seen = new Map<number, number>();
    raw.roles.forEach((role, i) => {
      if (role.profile !== undefined && role.roleArn !== undefined) {
        problems.push(`${name(`/roles/${i}`, 'profile')} and ${name(`/roles/${i}`, 'roleArn')} cannot be combined (fix: keep one; the profile names its role)`);
      }
      if (raw.roles.length > 1 && role.port === undefined) {
        problems.push(`${name(`/roles/${i}`, 'port')} is required when several roles are configured (fix: give each role its own port)`);
      }
      if (role.host !== undefined && !isLoopback(role.host) && (role.allowCidrs ?? []).length === 0) {
        problems.push(`${name(`/roles/${i}`, 'host')} ${role.host} is not loopback: anyone who can reach it would get the credential (fix: also give ${name(`/roles/${i}`, 'allowCidrs')} with the client networks, e.g. 172.17.0.0/16)`);
      }
      for (const cidr of role.allowCidrs ?? []) {
        if (!isCidr(cidr)) problems.push(`${name(`/roles/${i}`, 'allowCidrs')} ${cidr} is not a CIDR (fix: use e.g. 172.17.0.0/16)`);
      }
      if (role.port !== undefined && role.port !== 0) {
        const other = seen.get(role.port);
        if (other !== undefined) {
          problems.push(`${name(`/roles/${i}`, 'port')} ${role.port} is also used by roles[${other}] (fix: give each role its own port)`);
        }
        seen.set(role.port, i);
      }
    });
  }
  if (problems.length > 0) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${where}: ${[...new Set(problems)].join('; ')}`);
  }
  return raw as CheckedConfig;
}

/** Loads and checks a JSON config file. */
export async function loadConfigFile(path: string, overrides: DaemonSettings = {}): Promise<DaemonConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${path}: cannot be read (${code})`, { hint: 'check the path given to --config', cause });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${path}: is not valid JSON (${(cause as Error).message})`, { hint: 'fix the JSON syntax', cause });
  }
  const checked = await checkConfig(raw, path, fileFieldNamer);
  return freeze({ roles: checked.roles, ...daemonSettings(checked, overrides), origin: { kind: 'file', path } });
}

export function freeze(config: DaemonConfig): DaemonConfig {
  for (const role of config.roles) Object.freeze(role);
  Object.freeze(config.roles);
  return Object.freeze(config);
}
