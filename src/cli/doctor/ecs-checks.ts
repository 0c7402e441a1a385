/**
 * The container-credentials variables: every SDK tries them before IMDS, and JS v3 and
 * botocore do not fall back to IMDS when they fail. Fine when they reach this daemon's
 * ECS endpoint with its token; anything else hides imdsd.
 */
import type { RoleStatus } from '../../contract/control-api.js';
import { isLoopback } from '../../loopback.js';
import { ok, problem, type Finding } from './finding.js';
import type { Situation } from './situation.js';

const UNSET_ALL = 'unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN';

function sameEndpoint(a: string, b: string | undefined): boolean {
  if (b === undefined) return false;
  try {
    const [x, y] = [new URL(a), new URL(b)];
    return isLoopback(x.hostname) && x.protocol === y.protocol && x.port === y.port && x.pathname === y.pathname;
  } catch {
    return false;
  }
}

/** The role whose ECS endpoint AWS_CONTAINER_CREDENTIALS_FULL_URI names, if this daemon serves it. */
export function servedEcsRole(s: Situation): RoleStatus | undefined {
  const full = s.deps.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full || s.deps.env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return undefined;
  return s.status?.roles.find((role) => sameEndpoint(full, role.containerCredentialsUri));
}

async function tokenFinding(s: Situation, role: RoleStatus, tokenFile: string): Promise<Finding> {
  const { env } = s.deps;
  const fix = `eval "$(imdsd env --ecs --role ${role.roleName})"`;
  const reaches = `AWS_CONTAINER_CREDENTIALS_FULL_URI reaches imdsd's container endpoint for role ${role.roleName}`;
  // The token file wins over the token variable in JS v3, botocore and Go.
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) {
    return env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE === tokenFile
      ? ok('env-ecs', reaches)
      : problem('env-ecs', `${reaches}, but AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names ${env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE}, not ${tokenFile}: imdsd answers 401`, { fix });
  }
  if (env.AWS_CONTAINER_AUTHORIZATION_TOKEN) {
    const expected = await s.deps.files.readText(tokenFile);
    return expected === env.AWS_CONTAINER_AUTHORIZATION_TOKEN
      ? ok('env-ecs', reaches)
      : problem('env-ecs', `${reaches}, but AWS_CONTAINER_AUTHORIZATION_TOKEN is not imdsd's token: imdsd answers 401`, { fix });
  }
  return problem('env-ecs', `${reaches}, but no AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is set: imdsd answers 401`, { fix });
}

export async function ecsChecks(s: Situation): Promise<Finding[]> {
  const { env } = s.deps;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) {
    return [problem('env-ecs', `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set: every SDK asks http://169.254.170.2${env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI} (not imdsd) before IMDS`, {
      fix: 'unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    })];
  }
  const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
  if (!full) return [];
  const role = servedEcsRole(s);
  if (role === undefined || s.status === undefined) {
    const why = s.status === undefined ? 'imdsd is not running to serve it' : 'it is not one of this imdsd\'s container endpoints';
    return [problem('env-ecs', `AWS_CONTAINER_CREDENTIALS_FULL_URI=${full} wins over IMDS, and ${why}`, { fix: UNSET_ALL })];
  }
  return [await tokenFinding(s, role, s.status.containerTokenFile)];
}
