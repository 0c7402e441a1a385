/**
 * The account a credential belongs to, from one STS GetCallerIdentity signed with it.
 * A profile served directly without `aws_account_id` (credential_process, an IAM user's
 * keys) says nothing of its account; the credential it issued knows (issue 19).
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { accountIdOfArn, type Credential } from '../credentials.js';
import { ImdsdError } from '../errors.js';
import { newStsClient, withinDeadline, type StsClientOptions } from './sts-client.js';

/** Resolves with the 12-digit account of `credential`, or rejects with what STS said. */
export type AccountLookup = (credential: Credential) => Promise<string>;

const ACCOUNT = /^\d{12}$/;

/** The account in a GetCallerIdentity answer: `Account`, else the one in `Arn`. */
export function accountOfCaller(output: unknown): string {
  const { Account, Arn } = (typeof output === 'object' && output !== null ? output : {}) as { Account?: unknown; Arn?: unknown };
  if (typeof Account === 'string' && ACCOUNT.test(Account)) return Account;
  const fromArn = typeof Arn === 'string' ? accountIdOfArn(Arn) : undefined;
  if (fromArn !== undefined) return fromArn;
  throw new ImdsdError('IMDSD_ERR_STS_MALFORMED', 'STS answered GetCallerIdentity without an account');
}

/**
 * Builds the lookup for one role. Each call signs with the credential it is given, so a
 * client is made per call: there is one call per role, or one per refresh while it fails.
 */
export function createAccountLookup(options: Omit<StsClientOptions, 'credentials'>): AccountLookup {
  return async (credential) => {
    const identity = { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey, sessionToken: credential.sessionToken };
    const client = newStsClient({ ...options, credentials: () => Promise.resolve(identity) });
    try {
      const output = await withinDeadline(options.deadlineMs, (abortSignal) => client.send(new GetCallerIdentityCommand({}), { abortSignal }));
      return accountOfCaller(output);
    } finally {
      client.destroy();
    }
  };
}
