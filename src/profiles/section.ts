/**
 * Helpers every kind of profile reads its section with: one way to read a setting, a
 * number of seconds, an account id and the STS endpoint, and one shape of configuration
 * error, so that every profile problem names the file, the profile and the fix alike.
 */
import { ImdsdError } from '../errors.js';
import type { ProfileMap } from '../system/aws-files.js';

/** A profile's settings: credentials file first, the config file wins (load.ts). */
export type Section = Readonly<Record<string, string | undefined>>;

/** Where a problem is: the config file and the profile. */
export interface ProfileAt {
  readonly file: string;
  readonly profile: string;
}

/** IMDSD_ERR_CONFIG, prefixed with `FILE: profile NAME: ` when the problem is in a profile. */
export function configError(problem: string, fix: string, at?: ProfileAt): ImdsdError {
  const message = at === undefined ? problem : `${at.file}: profile ${at.profile}: ${problem}`;
  return new ImdsdError('IMDSD_ERR_CONFIG', message, { hint: fix });
}

/** A setting, trimmed; undefined when absent or empty. */
export function str(section: Section, key: string): string | undefined {
  const value = section[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** A whole number of seconds within bounds, or undefined when the setting is absent. */
export function seconds(section: Section, key: string, min: number, max: number, at: ProfileAt): number | undefined {
  const raw = str(section, key);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!(Number.isInteger(value) && value >= min && value <= max)) {
    throw configError(`${key} ${raw} is not a whole number from ${min} to ${max}`, `fix ${key}`, at);
  }
  return value;
}

const ACCOUNT = /^\d{12}$/;

/** An account id setting (`aws_account_id`, `sso_account_id`): twelve digits when set. */
export function account(section: Section, key: string, at: ProfileAt): string | undefined {
  const value = str(section, key);
  if (value !== undefined && !ACCOUNT.test(value)) {
    throw configError(`${key} ${value} is not twelve digits`, `fix ${key}`, at);
  }
  return value;
}

/** The profile's STS endpoint as the SDK's configured-endpoints feature reads it. */
export function profileEndpoint(section: Section, config: ProfileMap): string | undefined {
  const services = str(section, 'services');
  const fromServices = services === undefined ? undefined : config[`services.${services}`]?.['sts.endpoint_url']?.trim();
  return fromServices || str(section, 'endpoint_url');
}
