/**
 * The credential documents served under iam/security-credentials(-extended)/<role>.
 * Every caller gets the same credential until rotation, so each document is serialised
 * once per credential and then reused by every request for it.
 */
import type { Credential } from '../credentials.js';
import { type Answer, text } from './answers.js';
import { toImdsTimestamp } from './imds-timestamp.js';

export interface CredentialDocuments {
  /** The classic document every SDK reads. */
  legacy(credential: Credential): Answer;
  /** The same plus `AccountId`: Java v2 and Rust probe this path first. */
  extended(credential: Credential): Answer;
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
export function createCredentialDocuments(accountId: string): CredentialDocuments {
  const legacy = new WeakMap<Credential, Answer>();
  const extended = new WeakMap<Credential, Answer>();

  function cached(cache: WeakMap<Credential, Answer>, credential: Credential, withAccount?: string): Answer {
    let answer = cache.get(credential);
    if (answer === undefined) {
      answer = text(serialiseCredential(credential, withAccount));
      cache.set(credential, answer);
    }
    return answer;
  }

  return {
    legacy: (credential) => cached(legacy, credential),
    extended: (credential) => cached(extended, credential, accountId),
  };
}
