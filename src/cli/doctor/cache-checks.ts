/**
 * Leftovers in the AWS CLI's caches: assumed-role sessions in ~/.aws/cli/cache whose
 * `Credentials.Expiration` has passed, and SSO logins in ~/.aws/sso/cache whose
 * `expiresAt` has passed with no usable refresh token (the SDKs renew the others).
 */
import { join } from 'node:path';
import { countdown } from '../commands/status-format.js';
import { ok, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

interface CacheEntry {
  readonly path: string;
  readonly doc: Record<string, unknown>;
}

/** Older CLIs wrote `2026-11-21T12:00:00UTC`, which Date.parse does not read. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value.replace(/UTC$/, 'Z'));
  return Number.isFinite(ms) ? ms : undefined;
}

async function entries(s: Situation, dir: string): Promise<CacheEntry[]> {
  const found: CacheEntry[] = [];
  for (const name of (await s.deps.files.list(dir)).filter((file) => file.endsWith('.json')).sort()) {
    const path = join(dir, name);
    try {
      const doc: unknown = JSON.parse((await s.deps.files.readText(path)) ?? '');
      if (typeof doc === 'object' && doc !== null) found.push({ path, doc: doc as Record<string, unknown> });
    } catch {
      // Not JSON: not a cache entry the CLI or SDKs could use either.
    }
  }
  return found;
}

async function cliCache(s: Situation): Promise<Finding[]> {
  const dir = join(s.deps.home, '.aws', 'cli', 'cache');
  const now = s.deps.now();
  const expired = (await entries(s, dir)).filter(({ doc }) => {
    const credentials = doc.Credentials;
    const ms = typeof credentials === 'object' && credentials !== null ? parseTime((credentials as Record<string, unknown>).Expiration) : undefined;
    return ms !== undefined && ms <= now;
  });
  if (expired.length === 0) return [ok('cache-cli', `no expired sessions in ${dir}`)];
  return [warning('cache-cli', `${expired.length} expired assumed-role session${expired.length === 1 ? '' : 's'} in ${dir}`, {
    fix: `rm ${expired.map((entry) => entry.path).join(' ')}`,
    detail: 'the AWS CLI assumes the role again when it meets one; remove them so that no other tool reuses them',
  })];
}

/** The login that renews a start URL: the sso-session or profile of the config that names it. */
async function loginCommand(s: Situation, startUrl: unknown): Promise<string> {
  const files = await s.sharedFiles();
  // The SDK's loader keys sub-sections as `sso-session.NAME` and `services.NAME`, profiles by name.
  for (const [key, settings] of Object.entries(files.config.sections ?? {})) {
    if (settings?.sso_start_url !== startUrl) continue;
    if (key.startsWith('sso-session.')) return `aws sso login --sso-session ${key.slice('sso-session.'.length)}`;
    // Plain `aws sso login` already uses the default profile.
    if (key !== 'default' && !key.startsWith('services.')) return `aws sso login --profile ${key}`;
  }
  return 'aws sso login';
}

async function ssoCache(s: Situation): Promise<Finding[]> {
  const dir = join(s.deps.home, '.aws', 'sso', 'cache');
  const now = s.deps.now();
  const findings: Finding[] = [];
  for (const { path, doc } of await entries(s, dir)) {
    const expiresMs = parseTime(doc.expiresAt);
    if (typeof doc.accessToken !== 'string' || expiresMs === undefined || expiresMs > now) continue;
    const registrationMs = parseTime(doc.registrationExpiresAt);
    const refreshable = typeof doc.refreshToken === 'string' && registrationMs !== undefined && registrationMs > now;
    if (refreshable) continue;
    const who = typeof doc.startUrl === 'string' ? ` for ${doc.startUrl}` : '';
    findings.push(warning('cache-sso', `the SSO login${who} expired ${countdown(now - expiresMs)} ago (${path})`, {
      fix: await loginCommand(s, doc.startUrl),
      detail: 'profiles that use it, and an imdsd whose source profile uses it, fail until you log in again',
    }));
  }
  return findings.length > 0 ? findings : [ok('cache-sso', `no expired SSO logins in ${dir}`)];
}

export async function cacheChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([
    ['cache-cli', 'the AWS CLI cache', () => cliCache(s)],
    ['cache-sso', 'the SSO cache', () => ssoCache(s)],
  ]);
}
