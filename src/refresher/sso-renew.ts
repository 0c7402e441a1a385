/**
 * One renewal attempt of a renewable SSO login, made by the SDK's own token provider
 * (`fromSso` of @aws-sdk/token-providers, the code every SDK client runs), with what
 * really happened read from the attempt itself.
 *
 * The provider swallows a failed renewal and returns the old token while it is valid, and
 * it makes no attempt at all within 30 s of its previous one or while the token has more
 * than five minutes left (docs/imds-protocol.md, "SSO profiles"). So an unchanged token
 * says nothing: it may be a refusal, a network failure or a skipped attempt. The
 * provider's SSO-OIDC client reports each CreateToken through the logger it is given
 * (success as `info`, failure as `error` with the error): that, not the token, is the
 * verdict. Only the portal's own refusal of the refresh token counts as refused; a
 * skipped attempt or a failure of the network or the portal is tried again.
 */
import { fromSso } from '@aws-sdk/token-providers';

export type RenewalOutcome =
  /** CreateToken answered with a new token (the SDK wrote it to the cache). */
  | 'renewed'
  /** The portal refused the refresh token: the login ends with its access token. */
  | 'refused'
  /** The SDK made no attempt (its 30 s throttle, or the token is not yet due). */
  | 'skipped'
  /** The attempt failed for another reason (network, throttling, 5xx): try again. */
  | 'failed';

/** The portal's answers that mean this refresh token will never work again. */
const REFUSALS: ReadonlySet<string> = new Set([
  'InvalidGrantException', 'ExpiredTokenException', 'UnauthorizedClientException', 'InvalidClientException', 'AccessDeniedException',
]);

interface LogEntry {
  readonly commandName?: unknown;
  readonly error?: unknown;
}

/** The outcome a logger call reports, or undefined for calls about something else. */
export function outcomeOfLog(level: 'info' | 'error', entry: unknown): RenewalOutcome | undefined {
  const { commandName, error } = (typeof entry === 'object' && entry !== null ? entry : {}) as LogEntry;
  if (commandName !== 'CreateTokenCommand') return undefined;
  if (level === 'info') return 'renewed';
  const name = (error as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && REFUSALS.has(name) ? 'refused' : 'failed';
}

/** What the SDK's provider needs: its profile, and a logger for its SSO-OIDC client. */
export type TokenProvider = (init: { profile: string; clientConfig: { logger: Record<string, (...args: unknown[]) => void> } }) => Promise<unknown>;

const sdkTokenProvider: TokenProvider = (init) => fromSso(init)();

/** Asks the SDK to renew `profile`'s SSO login once, and says what happened. */
export async function attemptSsoRenewal(profile: string, provider: TokenProvider = sdkTokenProvider): Promise<RenewalOutcome> {
  let outcome: RenewalOutcome | undefined;
  const note = (level: 'info' | 'error') => (entry: unknown): void => {
    outcome = outcomeOfLog(level, entry) ?? outcome;
  };
  const ignore = (): void => undefined;
  const logger = { trace: ignore, debug: ignore, warn: ignore, info: note('info'), error: note('error') };
  // The token itself is not wanted here; a thrown error (an expired token) is a skipped attempt.
  await provider({ profile, clientConfig: { logger } }).catch(() => undefined);
  return outcome ?? 'skipped';
}
