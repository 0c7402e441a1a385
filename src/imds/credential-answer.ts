/**
 * Answers a request for the role's credential from the CredentialSource. The source
 * decides what is fresh enough; this file only refuses to pass on a credential that is
 * about to expire, because an SDK would use it past its end (JS v3 even extends an
 * expired credential with a warning) and the source promising otherwise may have a bug.
 */
import type { ImdsLog } from './log.js';
import type { Clock } from '../clock.js';
import { type Credential, type CredentialResult, type CredentialSource, SERVE_MIN_REMAINING_MS } from '../credentials.js';
import { type Answer, CREDENTIAL_EXPIRED, errorAnswer } from './answers.js';
import type { CredentialDocuments } from './credential-document.js';

export interface CredentialAnswerDeps {
  readonly source: CredentialSource;
  readonly clock: Clock;
  readonly documents: CredentialDocuments;
  readonly log: ImdsLog;
}

/**
 * Builds the handler for one of the documents (legacy, extended, container): without a
 * promise when the source holds a servable credential (the common case), else after get().
 */
export function createCredentialAnswer(deps: CredentialAnswerDeps, kind: keyof CredentialDocuments): () => Answer | Promise<Answer> {
  const { source, clock, documents, log } = deps;
  const document = documents[kind];

  function answerFor(credential: Credential): Answer {
    const leftMs = credential.expiresAtMs - clock.now();
    if (leftMs < SERVE_MIN_REMAINING_MS) {
      log.warn({ leftMs, code: 'IMDSD_ERR_CREDENTIAL_EXPIRED' }, 'credential source returned a credential too close to expiry; refused it');
      return CREDENTIAL_EXPIRED;
    }
    return document(credential);
  }
  function answerResult(result: CredentialResult): Answer {
    if (result.ok) return answerFor(result.credential);
    log.debug({ code: result.error.code }, 'no credential to serve');
    return errorAnswer(result.error);
  }

  return () => {
    const held = source.servableNow?.();
    return held === undefined ? source.get().then(answerResult) : answerFor(held);
  };
}
