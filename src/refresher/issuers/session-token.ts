/**
 * An IAM user's profile served directly: never its long-term keys, but a GetSessionToken
 * session signed with them, renewed ahead of its end like any other credential. With
 * mfa_serial the session is the one `imdsd mfa CODE` started (mfa-session.ts).
 */
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { MfaSession } from '../mfa-session.js';
import { createStsSender, type StsClientOptions } from '../sts-client.js';
import { issuedFromIdentity, type Issuer } from './issuer.js';

/** STS's own default for an IAM user's session: 12 hours. */
export const DEFAULT_SESSION_TOKEN_SEC = 43_200;

/** GetSessionToken with the long-term keys in `options.credentials`. */
export function createSessionTokenIssue(options: StsClientOptions): Issuer {
  const send = createStsSender(options);
  return (durationSec) => send('GetSessionToken', (client, abortSignal) => client.send(new GetSessionTokenCommand({
    DurationSeconds: durationSec ?? DEFAULT_SESSION_TOKEN_SEC,
  }), { abortSignal }));
}

/** The MFA session itself: started by `imdsd mfa`, IMDSD_ERR_MFA_REQUIRED without one. */
export function createMfaSessionIssue(mfa: MfaSession): Issuer {
  return async () => issuedFromIdentity(await mfa.provider(), 'the MFA session');
}
