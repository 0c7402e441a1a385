/**
 * The credential documents served under iam/security-credentials(-extended)/<role>.
 * Every caller gets the same credential until rotation, so each document is serialised
 * once per credential and then reused by every request for it.
 */
import { keyIdTail, type Credential, type RoleIdentity } from '../credentials.js';
import { type Answer, JSON_TYPE, TEXT, text } from './answers.js';
import { toImdsTimestamp } from './imds-timestamp.js';

export interface CredentialDocuments {
  /** The classic document every SDK reads. */
  legacy(credential: Credential): Answer;
  /** The same plus `AccountId`: Java v2 and Rust probe this path first. */
  extended(credential: Credential): Answer;
  /** The ECS container-credentials shape, with `RoleArn` and `AccountId` (botocore reads it). */
  container(credential: Credential): Answer;
}

/** The ECS document: no `Code`/`Type`, `Expiration` ending in Z. */
export function serialiseContainerCredential(credential: Credential, identity: RoleIdentity): string {
  return JSON.stringify({
    AccessKeyId: credential.accessKeyId,
    SecretAccessKey: credential.secretAccessKey,
    Token: credential.sessionToken,
    Expiration: toImdsTimestamp(credential.expiresAtMs),
    // Empty where nothing true is known (a profile served directly): left out (issue 13).
    ...(identity.roleArn === '' ? {} : { RoleArn: identity.roleArn }),
    ...(identity.accountId === '' ? {} : { AccountId: identity.accountId }),
  });
}

/**
 * Key order is that of real IMDS (`Code` first); all values are strings, timestamps to
 * the second with `Z`, and `LastUpdated` is when imdsd received the credential.
 */
export function serialiseCredential(credential: Credential, accountId?: string): string {
  const document: Record<string, string> = {
    Code: 'Success',
    LastUpdated: toImdsTimestamp(credential.issuedAtMs),
    Type: 'AWS-HMAC',
    AccessKeyId: credential.accessKeyId,
    SecretAccessKey: credential.secretAccessKey,
    Token: credential.sessionToken,
    Expiration: toImdsTimestamp(credential.expiresAtMs),
  };
  if (accountId !== undefined) document['AccountId'] = accountId;
  return JSON.stringify(document);
}

/**
 * Answers cached per credential object, and per account: a profile served directly may
 * learn its account after its first credential (GetCallerIdentity), and from then on the
 * documents that name it carry it. The WeakMaps let a rotated-out credential and its
 * serialised secrets be collected as soon as nothing else holds them.
 */
export function createCredentialDocuments(identity: () => RoleIdentity): CredentialDocuments {
  function cachedBy(serialise: (credential: Credential, current: RoleIdentity) => string, contentType?: string): (credential: Credential) => Answer {
    const cache = new WeakMap<Credential, { readonly accountId: string; readonly answer: Answer }>();
    return (credential) => {
      const current = identity();
      const cached = cache.get(credential);
      if (cached !== undefined && cached.accountId === current.accountId) return cached.answer;
      const body = serialise(credential, current);
      const answer = { ...text(body), contentType: contentType ?? TEXT, credentialKeyId: keyIdTail(credential.accessKeyId) };
      cache.set(credential, { accountId: current.accountId, answer });
      return answer;
    };
  }

  return {
    legacy: cachedBy((credential) => serialiseCredential(credential)),
    extended: cachedBy((credential, current) => serialiseCredential(credential, current.accountId === '' ? undefined : current.accountId)),
    container: cachedBy((credential, current) => serialiseContainerCredential(credential, current), JSON_TYPE),
  };
}
