/**
 * The variables of the shell that decide whether its SDKs ever ask IMDS: exported keys
 * and web identity win over it in every default chain, and AWS_EC2_METADATA_DISABLED or
 * a bad endpoint mode switch it off (see "What wins over IMDS in the default chains" in
 * docs/imds-protocol.md).
 */
import { ecsChecks } from './ecs-checks.js';
import { envCredentialChecks } from './env-credential-checks.js';
import { endpointChecks } from './endpoint-checks.js';
import { KEY_VARS, unsetKeysFix } from './env-keys.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import { profileVariableChecks } from './profile-checks.js';
import type { Situation } from './situation.js';

function staticKeys(env: NodeJS.ProcessEnv): Finding[] {
  const set = KEY_VARS.filter((name) => env[name]);
  if (set.length === 0) return [ok('env-static-keys', 'no AWS keys are exported in this shell')];
  const names = `${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} set`;
  if (!env.AWS_ACCESS_KEY_ID) {
    return [warning('env-static-keys', `${names} without AWS_ACCESS_KEY_ID: left over from an earlier session`, { fix: unsetKeysFix(env) })];
  }
  return [problem('env-static-keys', `${names} in this shell: every SDK uses them before IMDS, so imdsd is never asked`, {
    fix: unsetKeysFix(env),
    detail: env.AWS_PROFILE ? 'the JS v3 SDK skips them while AWS_PROFILE is set; botocore, the AWS CLI and Go do not' : undefined,
  })];
}

function webIdentity(env: NodeJS.ProcessEnv): Finding[] {
  if (!env.AWS_WEB_IDENTITY_TOKEN_FILE) return [];
  const fix = 'unset AWS_WEB_IDENTITY_TOKEN_FILE AWS_ROLE_ARN AWS_ROLE_SESSION_NAME';
  if (!env.AWS_ROLE_ARN) {
    return [warning('env-web-identity', 'AWS_WEB_IDENTITY_TOKEN_FILE is set without AWS_ROLE_ARN: ignored, but left over', { fix })];
  }
  return [problem('env-web-identity', `AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN are set: every SDK assumes ${env.AWS_ROLE_ARN} with that token before trying IMDS`, { fix })];
}

function imdsDisabled(env: NodeJS.ProcessEnv): Finding[] {
  const value = env.AWS_EC2_METADATA_DISABLED;
  if (!value) return [];
  const fix = 'unset AWS_EC2_METADATA_DISABLED';
  if (value.toLowerCase() === 'true') return [problem('env-imds-disabled', `AWS_EC2_METADATA_DISABLED=${value} turns IMDS off in every SDK`, { fix })];
  if (value === 'false') {
    return [problem('env-imds-disabled', 'AWS_EC2_METADATA_DISABLED=false still turns IMDS off in the JS v2 SDK, which treats any non-empty value as "disabled"', { fix })];
  }
  return [problem('env-imds-disabled', `AWS_EC2_METADATA_DISABLED=${value} turns IMDS off in the JS SDKs (v3: anything but "false"; v2: anything non-empty)`, { fix })];
}

function endpointMode(env: NodeJS.ProcessEnv): Finding[] {
  const mode = env.AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE;
  if (mode === undefined || mode === '') return [];
  if (mode === 'IPv4' || mode === 'IPv6') {
    return [ok('env-endpoint-mode', `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=${mode} is valid (and unused while AWS_EC2_METADATA_SERVICE_ENDPOINT is set)`)];
  }
  if (/^ipv[46]$/i.test(mode)) {
    return [warning('env-endpoint-mode', `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=${mode}: the JS v3 SDK only accepts "IPv4" or "IPv6" (case-sensitive) and fails when no endpoint is set`, {
      fix: `export AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=${mode.toLowerCase() === 'ipv4' ? 'IPv4' : 'IPv6'}`,
    })];
  }
  return [problem('env-endpoint-mode', `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=${mode} is neither IPv4 nor IPv6: botocore and the AWS CLI refuse to start their credential chain`, {
    fix: 'unset AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  })];
}

export async function envChecks(s: Situation): Promise<Finding[]> {
  const { env } = s.deps;
  return runGuarded([
    ['env-static-keys', 'the exported keys', () => staticKeys(env)],
    ['env-credentials', 'the exported credentials', () => envCredentialChecks(s)],
    ['env-web-identity', 'the web identity variables', () => webIdentity(env)],
    ['env-profile', 'AWS_PROFILE', () => profileVariableChecks(s)],
    ['env-imds-disabled', 'AWS_EC2_METADATA_DISABLED', () => imdsDisabled(env)],
    ['env-endpoint', 'the IMDS endpoint variables', () => endpointChecks(s)],
    ['env-endpoint-mode', 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE', () => endpointMode(env)],
    ['env-ecs', 'the container-credentials variables', () => ecsChecks(s)],
  ]);
}
