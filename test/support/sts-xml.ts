/** XML bodies shaped like the ones AWS STS sends for the Query protocol (API version 2011-06-15). */

export const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** STS sends timestamps like 2026-11-21T21:00:00Z (no milliseconds). */
export function stsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function el(name: string, value: string | undefined): string {
  return value === undefined ? '' : `<${name}>${xmlEscape(value)}</${name}>`;
}

function envelope(action: string, result: string, requestId: string): string {
  return (
    `<${action}Response xmlns="${STS_XMLNS}">\n` +
    `  <${action}Result>\n${result}  </${action}Result>\n` +
    `  <ResponseMetadata>\n    <RequestId>${xmlEscape(requestId)}</RequestId>\n  </ResponseMetadata>\n` +
    `</${action}Response>\n`
  );
}

export function errorXml(status: number, code: string, message: string, requestId: string): string {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return (
    `<ErrorResponse xmlns="${STS_XMLNS}">\n` +
    `  <Error>\n    <Type>${type}</Type>\n    ${el('Code', code)}\n    ${el('Message', message)}\n  </Error>\n` +
    `  <RequestId>${xmlEscape(requestId)}</RequestId>\n` +
    `</ErrorResponse>\n`
  );
}

export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAtMs: number;
}

function credentialsXml(c: IssuedCredentials): string {
  return (
    `    <Credentials>\n` +
    `      ${el('AccessKeyId', c.accessKeyId)}\n` +
    `      ${el('SecretAccessKey', c.secretAccessKey)}\n` +
    `      ${el('SessionToken', c.sessionToken)}\n` +
    `      ${el('Expiration', stsTimestamp(c.expiresAtMs))}\n` +
    `    </Credentials>\n`
  );
}

export function assumeRoleXml(
  r: {
    assumedRoleId: string;
    arn: string;
    credentials: IssuedCredentials;
    sourceIdentity?: string | undefined;
    packedPolicySize?: number | undefined;
  },
  requestId: string,
): string {
  const result =
    (r.sourceIdentity === undefined ? '' : `    ${el('SourceIdentity', r.sourceIdentity)}\n`) +
    `    <AssumedRoleUser>\n      ${el('AssumedRoleId', r.assumedRoleId)}\n      ${el('Arn', r.arn)}\n    </AssumedRoleUser>\n` +
    credentialsXml(r.credentials) +
    (r.packedPolicySize === undefined ? '' : `    ${el('PackedPolicySize', String(r.packedPolicySize))}\n`);
  return envelope('AssumeRole', result, requestId);
}

export function getSessionTokenXml(credentials: IssuedCredentials, requestId: string): string {
  return envelope('GetSessionToken', credentialsXml(credentials), requestId);
}

export function getCallerIdentityXml(r: { arn: string; userId: string; account: string }, requestId: string): string {
  const result = `    ${el('Arn', r.arn)}\n    ${el('UserId', r.userId)}\n    ${el('Account', r.account)}\n`;
  return envelope('GetCallerIdentity', result, requestId);
}

/** A 200 body that is XML-ish but not a usable AssumeRoleResponse (what a broken proxy might send). */
export const MALFORMED_BODY = '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>';
