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
 * Answers cached per credential object. The WeakMaps let a rotated-out credential and
 * its serialised secrets be collected as soon as nothing else holds them.
 */
export function createCredentialDocuments(identity: RoleIdentity): CredentialDocuments {
  function cachedBy(serialise: (credential: Credential) => string, contentType?: string): (credential: Credential) => Answer {
    const cache = new WeakMap<Credential, Answer>();
    return (credential) => {
      let answer = cache.get(credential);
      if (answer === undefined) {
        const body = serialise(credential);
        answer = { ...text(body), contentType: contentType ?? TEXT, credentialKeyId: keyIdTail(credential.accessKeyId) };
        cache.set(credential, answer);
      }
      return answer;
    };
  }

  return {
    legacy: cachedBy((credential) => serialiseCredential(credential)),
    extended: cachedBy((credential) => serialiseCredential(credential, identity.accountId === '' ? undefined : identity.accountId)),
    container: cachedBy((credential) => serialiseContainerCredential(credential, identity), JSON_TYPE),
  };
}
