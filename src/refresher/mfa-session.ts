/**
 * The MFA session behind a role whose profile has mfa_serial: GetSessionToken with a
 * code the user sends (`imdsd mfa CODE`), kept in memory only, for up to 36 hours; every
 * AssumeRole in that time signs with it, so one code covers many rotations. Without a
 * live session the provider fails with IMDSD_ERR_MFA_REQUIRED, which says what to run.
 */
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';
import type { Clock } from '../clock.js';
import { ImdsdError } from '../errors.js';
import { classifyStsFailure, type FailureContext } from './classify.js';
import { createStsSender, type IssuedCredential, type StsClientOptions } from './sts-client.js';

export interface MfaSessionOptions extends StsClientOptions {
  readonly roleName: string;
  readonly serialNumber: string;
  /** GetSessionToken DurationSeconds: 900–129600. */
  readonly durationSec: number;
  readonly clock: Clock;
  readonly failureContext: FailureContext;
}

export type MfaOutcome = { readonly ok: true; readonly expiresAtMs: number } | { readonly ok: false; readonly error: ImdsdError };

export interface MfaSession {
  /** Session credentials for AssumeRole; rejects with IMDSD_ERR_MFA_REQUIRED when there is none. */
  readonly provider: AwsCredentialIdentityProvider;
  submit(code: string): Promise<MfaOutcome>;
  expiresAtMs(): number | undefined;
}

/** A session this close to its end is not used: the AssumeRole it signs could fail midway. */
const SESSION_MARGIN_MS = 60_000;
const CODE = /^\d{6}$/;

export function createMfaSession(options: MfaSessionOptions): MfaSession {
  const send = createStsSender(options);
  let session: IssuedCredential | undefined;
  const command = `imdsd mfa <code> --role ${options.roleName}`;

  return {
    async provider() {
      if (session === undefined || session.expiresAtMs - options.clock.now() <= SESSION_MARGIN_MS) {
        throw new ImdsdError('IMDSD_ERR_MFA_REQUIRED',
          `${session === undefined ? 'no MFA session yet' : 'the MFA session has ended'} for ${options.roleName} (${options.serialNumber})`,
          { hint: `run \`${command}\` with a code from your MFA device` });
      }
      return { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, sessionToken: session.sessionToken, expiration: new Date(session.expiresAtMs) };
    },
    async submit(code) {
      if (!CODE.test(code)) {
        return { ok: false, error: new ImdsdError('IMDSD_ERR_MFA_FAILED', `"${code.slice(0, 12)}" is not a six-digit MFA code`, { hint: `run \`${command}\`` }) };
      }
      try {
        session = await send('GetSessionToken', (client, abortSignal) => client.send(new GetSessionTokenCommand({
          SerialNumber: options.serialNumber, TokenCode: code, DurationSeconds: options.durationSec,
        }), { abortSignal }));
        return { ok: true, expiresAtMs: session.expiresAtMs };
      } catch (thrown) {
        const { error } = classifyStsFailure(thrown, options.failureContext);
        if (error.code === 'IMDSD_ERR_ACCESS_DENIED' && /MultiFactorAuthentication|MFA/i.test(error.message)) {
          return { ok: false, error: new ImdsdError('IMDSD_ERR_MFA_FAILED', `STS refused the MFA code for ${options.serialNumber}`,
            { hint: `wait for the next code and run \`${command}\` again`, cause: thrown }) };
        }
        return { ok: false, error };
      }
    },
    expiresAtMs: () => session?.expiresAtMs,
  };
}
