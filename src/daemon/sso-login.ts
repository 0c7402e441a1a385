/**
 * The SSO login behind an SSO role, as `aws sso login` left it in ~/.aws/sso/cache: when
 * it ends (for the warnings and `imdsd status`), and the moment a new one appears, so a
 * role that failed for want of a login is refreshed at once, without a restart or
 * waiting for the next retry (issue 13). The file is found and parsed by the SDK's own
 * loader; only its expiry and whether the SDK can renew it are read here.
 */
import { createHash } from 'node:crypto';
import { unwatchFile, watchFile } from 'node:fs';
import { getSSOTokenFilepath, getSSOTokenFromFile } from '@smithy/shared-ini-file-loader';
import type { Logger } from 'pino';

export interface SsoLogin {
  /** When the cached access token ends, in ms since the epoch. */
  readonly endsAtMs: number;
  /**
   * The SDK can renew it with its refresh token (sso-session logins): the token's own
   * expiry is then not the end of the login, which the cache does not record.
   */
  readonly renewable: boolean;
  /** A digest of the access token: tells a new login from the same one. Never the token. */
  readonly tokenDigest: string;
}

/** Reads the login for a session name (or a legacy start URL); undefined when there is none. */
export type SsoLoginReader = (key: string) => Promise<SsoLogin | undefined>;

/** Calls `onChange` when the file at `path` changes (or appears); returns the stop function. */
export type FileWatcher = (path: string, onChange: () => void) => () => void;

/** How often the cache file is looked at: a new login is seen well within a second. */
const POLL_MS = 250;

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export const readSsoLogin: SsoLoginReader = async (key) => {
  let token: Record<string, unknown>;
  try {
    token = (await getSSOTokenFromFile(key)) as unknown as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof token !== 'object' || token === null || !nonEmpty(token.accessToken) || !nonEmpty(token.expiresAt)) return undefined;
  const endsAtMs = Date.parse(token.expiresAt);
  if (!Number.isFinite(endsAtMs)) return undefined;
  const registrationEndsMs = nonEmpty(token.registrationExpiresAt) ? Date.parse(token.registrationExpiresAt) : Number.NaN;
  return {
    endsAtMs,
    renewable: nonEmpty(token.refreshToken) && nonEmpty(token.clientId) && nonEmpty(token.clientSecret)
      && !(registrationEndsMs <= Date.now()),
    tokenDigest: createHash('sha256').update(token.accessToken).digest('hex').slice(0, 16),
  };
};

/** fs.watchFile: polls a stat, so a file that does not exist yet is watched too. */
export const pollFile: FileWatcher = (path, onChange) => {
  const listener = (): void => onChange();
  watchFile(path, { interval: POLL_MS, persistent: false }, listener);
  return () => unwatchFile(path, listener);
};

export interface SsoLoginWatchOptions {
  /** The sso-session name, or the start URL in the legacy form. */
  readonly key: string;
  readonly logger: Logger;
  /** Called when a login appears that differs from the one seen before. */
  readonly onNewLogin: () => void;
  readonly read?: SsoLoginReader;
  readonly watch?: FileWatcher;
  /** The cache file; by default where the SDK looks for `key`. */
  readonly path?: string;
}

export interface SsoLoginWatch {
  /** The login as last read; undefined when there is none (or it is unreadable). */
  current(): SsoLogin | undefined;
  /** Reads the file again now; resolves once read. */
  reread(): Promise<void>;
  stop(): void;
}

export function watchSsoLogin(options: SsoLoginWatchOptions): SsoLoginWatch {
  const read = options.read ?? readSsoLogin;
  const watch = options.watch ?? pollFile;
  let login: SsoLogin | undefined;
  let reading: Promise<void> = Promise.resolve();

  async function reread(): Promise<void> {
    const next = await read(options.key);
    const isNew = next !== undefined && next.tokenDigest !== login?.tokenDigest;
    const hadOne = login !== undefined;
    login = next;
    if (isNew && hadOne) {
      options.logger.info({ event: 'sso-login-changed', endsAt: new Date(next.endsAtMs).toISOString() }, 'a new SSO login is in the cache');
    }
    if (isNew) options.onNewLogin();
  }

  reading = reread();
  const stopWatching = watch(options.path ?? getSSOTokenFilepath(options.key), () => {
    reading = reading.then(reread);
  });
  return {
    current: () => login,
    reread: async () => {
      reading = reading.then(reread);
      await reading;
    },
    stop: stopWatching,
  };
}
