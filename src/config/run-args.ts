/**
 * `imdsd run` flags. Flags are a shorthand for a one-role config and go through the same
 * schema check as a file, so a bad flag gets the same one-line error naming the flag.
 * Conflicting flags are all checked here, in one place.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ImdsdError } from '../errors.js';
import { FLAG_OF_FIELD, ROLE_FLAGS, RUN_OPTIONS, type RunOptionName, type SettingSchema } from './run-options.js';
import { checkConfig, daemonSettings, freeze, loadConfigFile, type DaemonConfig, type DaemonSettings, type FieldNamer } from './config.js';
import { settingsOf, type SettingScope } from './settings.js';

const flagNamer: FieldNamer = (path, property) => {
  const field = property ?? path.split('/').filter((part) => part !== '' && !/^\d+$/.test(part)).pop() ?? '';
  return FLAG_OF_FIELD[field] ?? `--${field}`;
};

/** Whole numbers stay numbers so the schema reports "must be integer" against the flag. */
function numeric(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value.trim()) ? Number(value) : value;
}

const isNumeric = (schema: SettingSchema | undefined): boolean =>
  schema?.type === 'integer' || (schema?.enum?.every((value) => typeof value === 'number') ?? false);

/**
 * A flag's value as its setting: numbers where the schema wants them (each item of a
 * repeatable flag too), a `--no-` flag as its setting turned off, else as typed.
 */
function settingValue(name: RunOptionName, schema: SettingSchema, value: unknown): unknown {
  if (value === undefined) return undefined;
  if (name.startsWith('no-')) return value === true ? false : undefined;
  if (isNumeric(schema)) return numeric(value as string);
  if (Array.isArray(value) && isNumeric(schema.items)) return value.map((item: string) => numeric(item));
  return value;
}

/**
 * The settings of a scope the flags give, keyed by config field in table order; `given`
 * supplies those not read from their own flag alone (a role's profile and ExternalId).
 */
function settingsFromFlags(flags: RunFlags, scope: SettingScope, given: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return Object.fromEntries(settingsOf(scope)
    .map(([name, field, schema]) => [field, field in given ? given[field] : settingValue(name, schema, flags[name])] as const)
    .filter(([, value]) => value !== undefined));
}

export type RunFlags = ReturnType<typeof parseRunArgs>;

/** `--metrics-port`: a loopback port for Prometheus and who else may scrape it, or undefined. */
export function metricsPort(flags: RunFlags): { port: number; allowUids: number[] } | undefined {
  const raw = flags['metrics-port'];
  const uids = flags['metrics-allow-uid'] ?? [];
  for (const uid of uids) {
    if (!/^\d+$/.test(uid)) throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: --metrics-allow-uid ${uid} is not a uid`, { hint: 'give a numeric uid, e.g. $(id -u prometheus)' });
  }
  if (raw === undefined) {
    if (uids.length > 0) throw new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd run: --metrics-allow-uid needs --metrics-port', { hint: 'add --metrics-port N' });
    return undefined;
  }
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: --metrics-port ${raw} is not a port`, { hint: 'use a port from 1 to 65535' });
  }
  return { port, allowUids: uids.map(Number) };
}

/**
 * The ExternalId from `--external-id`, `--external-id-file` or `$IMDSD_EXTERNAL_ID`, in
 * that order of preference: the last two keep it out of the process list, which every
 * local user can read.
 */
async function externalIdOf(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const file = flags['external-id-file'];
  if (file === undefined) return flags['external-id'] ?? (env.IMDSD_EXTERNAL_ID || undefined);
  if (flags['external-id'] !== undefined) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd run: --external-id and --external-id-file cannot be combined', { hint: 'keep --external-id-file' });
  }
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: --external-id-file ${file} cannot be read (${error.code ?? 'error'})`,
      { hint: 'give a file this user can read, holding the ExternalId on its first line' });
  });
  const id = text.split(/\r?\n/, 1)[0]?.trim() ?? '';
  if (id === '') throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: --external-id-file ${file} is empty`, { hint: 'put the ExternalId on its first line' });
  return id;
}

export function parseRunArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: RUN_OPTIONS, allowPositionals: false, strict: true }).values;
  } catch (cause) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: ${(cause as Error).message}`,
      { hint: 'see `imdsd run --help`', cause });
  }
}

/** Builds the config from flags (or from --config), reading AWS_PROFILE for the default profile. */
export async function configFromFlags(flags: RunFlags, env: NodeJS.ProcessEnv): Promise<DaemonConfig> {
  // Daemon-level flags go with --config too; checked against the same schema.
  const settings = settingsFromFlags(flags, 'daemon') as DaemonSettings;
  await checkConfig({ roles: [{}], ...settings }, 'imdsd run', flagNamer);
  if (flags.config !== undefined) {
    const clashing = ROLE_FLAGS.filter((flag) => flags[flag] !== undefined).map((flag) => `--${flag}`);
    if (clashing.length > 0) {
      throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd run: --config cannot be combined with ${clashing.join(', ')}`,
        { hint: 'put those options in the config file, per role' });
    }
    return loadConfigFile(flags.config, settings);
  }
  if (flags.profile !== undefined && flags['role-arn'] !== undefined) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd run: --profile and --role-arn cannot be combined',
      { hint: 'use --profile for a profile that names its role, or --role-arn with AWS_PROFILE for the source' });
  }
  const role = settingsFromFlags(flags, 'role', {
    profile: flags['role-arn'] === undefined ? flags.profile ?? (env.AWS_PROFILE || undefined) ?? 'default' : undefined,
    externalId: await externalIdOf(flags, env),
  });
  const raw = { roles: [role], ...settings };
  const checked = await checkConfig(raw, 'imdsd run', flagNamer);
  return freeze({ roles: checked.roles, ...daemonSettings(checked, {}), origin: { kind: 'flags' } });
}
