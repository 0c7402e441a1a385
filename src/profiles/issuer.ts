/**
 * Builds a role's issuer with its kind's module (issue 13), each with offline and
 * wrong-endpoint failures told apart (src/refresher/network.ts).
 */
import type { Issuer } from '../refresher/issuers/issuer.js';
import { dnsProbe, withNetworkDiagnosis } from '../refresher/network.js';
import { sessionTokenIssuer } from './keys.js';
import { processIssuer } from './process.js';
import type { IssuerDeps, ResolvedRole } from './resolved-role.js';
import { assumeRoleIssuer } from './role.js';
import { ssoIssuer } from './sso.js';

function baseIssuer(role: ResolvedRole, deps: IssuerDeps): Issuer {
  const { issuer } = role;
  switch (issuer.kind) {
    case 'assume-role':
      return assumeRoleIssuer(role, deps);
    case 'sso':
      return ssoIssuer(issuer, deps);
    case 'process':
      return processIssuer(issuer, deps);
    case 'session-token':
      return sessionTokenIssuer(role, deps);
  }
}

export function createIssuer(role: ResolvedRole, deps: IssuerDeps): Issuer {
  const sso = role.issuer.kind === 'sso';
  const env = deps.env;
  return withNetworkDiagnosis(baseIssuer(role, deps), {
    service: sso ? 'IAM Identity Center' : 'STS',
    region: role.identity.region,
    endpointConfigured: sso
      ? Boolean(env.AWS_ENDPOINT_URL_SSO || env.AWS_ENDPOINT_URL)
      : Boolean(role.endpoint || env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL),
    probe: deps.probe ?? dnsProbe,
  });
}
