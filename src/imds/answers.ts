/**
 * The fixed shape of everything the IMDS emulator sends. Handlers return an Answer and
 * only reply.ts turns it into an HTTP reply, so every status, header and body can be
 * checked in one place.
 */
import { STATUS_CODES } from 'node:http';
import { ImdsdError, type ErrorCode } from '../errors.js';

/** One reply, fully built. Static answers are built once and shared by all requests. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** The `Allow` header of a 405. */
  readonly allow?: string;
  /** Echoed as `X-aws-ec2-metadata-token-ttl-seconds`: the Go SDK caches tokens by it. */
  readonly tokenTtlSec?: number;
  /** Set on answers that hand out a credential: the last four characters of its key id. */
  readonly credentialKeyId?: string;
}

/** Real IMDS serves every answer, JSON documents included, as text/plain. */
export const TEXT = 'text/plain';
/** Our own error documents are JSON, which the SDKs show to people. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Code of the 500 answer for a bug in imdsd itself. It is not in src/errors.ts because
 * that registry is shared; it should move there as `IMDSD_ERR_INTERNAL`.
 */
export const INTERNAL_ERROR_CODE: ErrorCode = 'IMDSD_ERR_INTERNAL';

/** A 200 text answer. */
export function text(body: string): Answer {
  return { status: 200, body, contentType: TEXT };
}

/** The same answer carrying the remaining TTL of the token that authorised it. */
export function withTokenTtl(answer: Answer, tokenTtlSec: number): Answer {
  // Spelled out rather than spread for the two shapes that occur (a credential, a static
  // text): this runs for every GET, and a fixed-shape literal costs a fraction of a spread.
  const { status, body, contentType, credentialKeyId } = answer;
  if (answer.allow !== undefined) return { ...answer, tokenTtlSec };
  return credentialKeyId === undefined
    ? { status, body, contentType, tokenTtlSec }
    : { status, body, contentType, tokenTtlSec, credentialKeyId };
}

/**
 * A `{"Code","Message"}` error document, the shape every SDK shows from IMDS and ECS.
 * Only non-2xx statuses are seen by clients other than Go, so the status must carry it.
 */
export function errorDocument(status: number, code: string, message: string): Answer {
  return { status, body: JSON.stringify({ Code: code, Message: message }), contentType: JSON_TYPE };
}

/**
 * The answer for a credential source's failure. A source's errors are 5xx by design;
 * any other status is turned into 503 because a 4xx (401 above all) means something
 * else to the SDKs' token logic.
 */
export function errorAnswer(error: ImdsdError): Answer {
  const status = error.status >= 500 && error.status <= 599 ? error.status : 503;
  const message = error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
  return errorDocument(status, error.code, message);
}

/** A plain-text answer whose body is the status's standard text, as real IMDS sends it. */
function plain(status: number, allow?: string): Answer {
  const body = STATUS_CODES[status] ?? String(status);
  return allow === undefined ? { status, body, contentType: TEXT } : { status, body, contentType: TEXT, allow };
}

export const BAD_REQUEST = plain(400);
export const UNAUTHORIZED = plain(401);
export const FORBIDDEN = plain(403);
/** 403 for a connection whose local user could not be identified (peer-identity.ts). */
export const PEER_UNKNOWN = errorDocument(403, 'IMDSD_ERR_PEER_UNKNOWN', 'imdsd could not tell which local user opened this connection, so it refuses it; see its log');
export const NOT_FOUND = plain(404);
/** 405 on a metadata path, which only answers reads. */
export const READ_ONLY = plain(405, 'GET, HEAD');
/** 405 on the token path, which only answers PUT. */
export const PUT_ONLY = plain(405, 'PUT');
export const INTERNAL_ERROR = errorDocument(500, INTERNAL_ERROR_CODE, 'imdsd failed unexpectedly; see its log');
/** The ECS endpoint without the right `Authorization`: JSON, as ECS errors are. */
export const CONTAINER_UNAUTHORIZED = errorDocument(401, 'IMDSD_ERR_CONTAINER_AUTH',
  'Authorization must carry the token in AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (see `imdsd env --ecs`)');
/** Served instead of a credential that is about to expire (defence in depth). */
export const CREDENTIAL_EXPIRED = errorAnswer(new ImdsdError('IMDSD_ERR_CREDENTIAL_EXPIRED'));
