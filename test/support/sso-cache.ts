/**
 * Writes ~/.aws/sso/cache the way `aws sso login` does: one JSON file per login, named
 * by the SHA-1 of the sso-session's name (or of the start URL in the legacy form), with
 * the fields the SDK's token provider reads (smithy's SSOToken: accessToken, expiresAt,
 * and for renewal refreshToken, clientId, clientSecret, registrationExpiresAt, region,
 * startUrl).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SsoLoginFile {
  readonly startUrl: string;
  readonly region: string;
  readonly accessToken: string;
  /** RFC 3339, UTC, to the second (`2026-11-27T20:00:00Z`), as the CLI writes it. */
  readonly expiresAt: string;
  readonly refreshToken?: string;
  readonly clientId?: string;
  readonly clientSecret?: string;
  readonly registrationExpiresAt?: string;
}

export function ssoCacheDir(home: string): string {
  return join(home, '.aws', 'sso', 'cache');
}

/** The file for an sso-session name, or for a start URL in the legacy form. */
export function ssoCacheFile(home: string, key: string): string {
  return join(ssoCacheDir(home), `${createHash('sha1').update(key).digest('hex')}.json`);
}

export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function newAccessToken(): string {
  return `aoa${randomBytes(48).toString('base64url')}`;
}

/** Writes `contents` (a login, or any text for bad-input tests); returns the path. */
export function writeSsoCache(home: string, key: string, contents: SsoLoginFile | string): string {
  mkdirSync(ssoCacheDir(home), { recursive: true, mode: 0o700 });
  const path = ssoCacheFile(home, key);
  writeFileSync(path, typeof contents === 'string' ? contents : JSON.stringify(contents, null, 2), { mode: 0o600 });
  return path;
}
