/**
 * Whether the credentials exported in the shell still work. Without
 * --check-env-credentials only what can be told locally (an ASIA key is temporary;
 * AWS_CREDENTIAL_EXPIRATION, written by `aws configure export-credentials` and
 * aws-vault, says until when); with it, STS GetCallerIdentity answers.
 */
import { keyIdTail } from '../../credentials.js';
import { stsErrorCode } from '../../system/sts-error-code.js';
import { countdown } from '../commands/status-format.js';
import { unsetKeysFix } from './env-keys.js';
import { ok, problem, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

const LOCAL_ID = 'env-credentials-expiry';
const STS_ID = 'env-credentials-sts';
const EXPIRY_VARS = ['AWS_CREDENTIAL_EXPIRATION', 'AWS_SESSION_EXPIRATION'] as const;
const EXPIRED = 'every command fails with ExpiredToken';

function exportedExpiry(env: NodeJS.ProcessEnv): { name: string; value: string; ms: number } | undefined {
  for (const name of EXPIRY_VARS) {
    const value = env[name];
    const ms = value === undefined ? Number.NaN : Date.parse(value);
    if (value !== undefined && Number.isFinite(ms)) return { name, value, ms };
  }
  return undefined;
}

function local(s: Situation, keyId: string): Finding[] {
  const { env } = s.deps;
  const fix = unsetKeysFix(env);
  const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN;
  if (keyId.startsWith('ASIA') && !token) {
    return [problem(LOCAL_ID, 'AWS_ACCESS_KEY_ID is a temporary (ASIA) key but no AWS_SESSION_TOKEN is set: STS refuses it', { fix })];
  }
  if (!token) {
    return [warning(LOCAL_ID, `a long-term access key (${keyIdTail(keyId)}) is exported in this shell: it never expires, and it hides imdsd`, { fix })];
  }
  const expiry = exportedExpiry(env);
  if (expiry === undefined) {
    return [warning(LOCAL_ID, `temporary credentials exported in this shell; they expire and then ${EXPIRED}`, {
      fix, detail: 'run `imdsd doctor --check-env-credentials` to ask STS whether they still work',
    })];
  }
  const left = expiry.ms - s.deps.now();
  return left <= 0
    ? [problem(LOCAL_ID, `the exported temporary credentials expired ${countdown(-left)} ago (${expiry.name}=${expiry.value}): ${EXPIRED}`, { fix })]
    : [warning(LOCAL_ID, `temporary credentials exported in this shell expire in ${countdown(left)} (${expiry.name}=${expiry.value}); then ${EXPIRED}`, { fix })];
}

const STS_VERDICTS: Readonly<Record<string, string>> = {
  ExpiredToken: 'STS says the exported credentials have expired (ExpiredToken)',
  InvalidClientTokenId: 'STS does not know the exported key (InvalidClientTokenId): revoked, mistyped, or a session key without its token',
  SignatureDoesNotMatch: 'STS refuses the exported secret key (SignatureDoesNotMatch): AWS_SECRET_ACCESS_KEY does not belong to AWS_ACCESS_KEY_ID',
  RequestExpired: 'STS refuses the request time (RequestExpired): the local clock is more than 5 minutes off',
};

async function viaSts(s: Situation, keyId: string): Promise<Finding[]> {
  const { env } = s.deps;
  const fix = unsetKeysFix(env);
  const secret = env.AWS_SECRET_ACCESS_KEY;
  if (!secret) return [problem(STS_ID, 'AWS_ACCESS_KEY_ID is set without AWS_SECRET_ACCESS_KEY: the SDKs fail, and STS cannot be asked', { fix })];
  try {
    const arn = await s.deps.callerIdentity({ accessKeyId: keyId, secretAccessKey: secret, sessionToken: env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN || undefined }, env);
    return [ok(STS_ID, `STS accepts the exported credentials: ${arn}`)];
  } catch (error) {
    const verdict = STS_VERDICTS[stsErrorCode(error) ?? ''];
    if (verdict !== undefined) return [problem(STS_ID, verdict, { fix })];
    return [warning(STS_ID, `could not ask STS about the exported credentials: ${error instanceof Error ? error.message : String(error)}`, {
      fix: 'check the network, AWS_REGION and AWS_ENDPOINT_URL_STS',
    })];
  }
}

export async function envCredentialChecks(s: Situation): Promise<Finding[]> {
  const keyId = s.deps.env.AWS_ACCESS_KEY_ID;
  if (!keyId) return [];
  return s.options.checkEnvCredentials ? viaSts(s, keyId) : local(s, keyId);
}
