/**
 * AWS_EC2_METADATA_SERVICE_ENDPOINT: without it the SDKs call 169.254.169.254, and a
 * port where no role of this daemon listens reaches something else or nothing.
 */
import { isLinkLocalAddress, LINK_LOCAL_PORT, LINK_LOCAL_URL } from '../../contract/link-local.js';
import { servedEcsRole } from './ecs-checks.js';
import { isLoopback } from '../../loopback.js';
import { ok, problem, type Finding } from './finding.js';
import type { Situation } from './situation.js';

const ID = 'env-endpoint';

export function endpointFixOf(s: Situation): string {
  return `eval "$(imdsd env${s.options.role === undefined ? '' : ` --role ${s.options.role}`})"`;
}

export function endpointChecks(s: Situation): Finding[] {
  const raw = s.deps.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
  const fix = endpointFixOf(s);
  if (s.endpointError !== undefined) return [problem(ID, `AWS_EC2_METADATA_SERVICE_ENDPOINT: ${s.endpointError}`, { fix })];
  if (s.endpoint === undefined && s.role?.linkLocal === true) {
    return [ok(ID, `AWS_EC2_METADATA_SERVICE_ENDPOINT is not set, and not needed: in link-local mode SDKs reach role ${s.role.roleName} at ${LINK_LOCAL_URL}`)];
  }
  if (s.endpoint === undefined) {
    const ecs = servedEcsRole(s);
    if (ecs !== undefined) {
      return [ok(ID, `AWS_EC2_METADATA_SERVICE_ENDPOINT is not set, and not needed: the container-credentials variables reach role ${ecs.roleName}`)];
    }
    return [problem(ID, 'AWS_EC2_METADATA_SERVICE_ENDPOINT is not set: SDKs call 169.254.169.254, not imdsd', { fix })];
  }
  const { url, port } = s.endpoint;
  const named = `AWS_EC2_METADATA_SERVICE_ENDPOINT=${raw}`;
  const role = s.role;
  if (role?.linkLocal === true && isLinkLocalAddress(url.hostname) && port === LINK_LOCAL_PORT) {
    return [ok(ID, `${named} reaches role ${role.roleName} (link-local mode: the variable is not needed)`)];
  }
  if (!isLoopback(url.hostname) && !(role?.addresses.includes(url.hostname.replace(/^\[|\]$/g, '')) ?? false)) {
    return [problem(ID, `${named} points at ${url.hostname}, not at imdsd on loopback`, { fix })];
  }
  if (s.status === undefined) return [ok(ID, `${named} is set (its port is not checked: imdsd is not running)`)];
  if (role === undefined) return [];
  if (role.port === port) return [ok(ID, `${named} reaches role ${role.roleName}`)];
  const other = s.status.roles.find((r) => r.port === port);
  const served = s.status.roles.map((r) => `${r.roleName} on ${r.port ?? 'no port'}`).join(', ');
  const title = s.options.role !== undefined
    ? `${named} points at port ${port}${other === undefined ? '' : ` (role ${other.roleName})`}, not at role ${role.roleName}'s port ${role.port ?? 'none'}`
    : `${named} points at port ${port}, where no role of imdsd listens (served: ${served})`;
  return [problem(ID, title, { fix })];
}
