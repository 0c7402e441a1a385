/**
 * The IMDS port held by something other than this daemon: another imdsd, or
 * amazon-ec2-metadata-mock, which uses the same default port 1338. SDKs would then get
 * another service's answers, or none.
 */
import { DEFAULT_IMDS_PORT } from '../../contract/paths.js';
import { ok, problem, runGuarded, type Finding } from './finding.js';
import type { Situation } from './situation.js';

async function portCheck(s: Situation): Promise<Finding[]> {
  const { port } = s;
  const ours = s.status?.roles.find((role) => role.port === port);
  const owner = await s.deps.findPortOwner(port, s.status?.pid);
  if (owner === undefined) {
    return [ok('port-owner', ours === undefined ? `no other process was found holding port ${port}` : `port ${port} is imdsd's (role ${ours.roleName})`)];
  }
  if (s.status !== undefined && owner.pid === s.status.pid) {
    return [ok('port-owner', `port ${port} is held by imdsd (pid ${owner.pid}${ours === undefined ? '' : `, role ${ours.roleName}`})`)];
  }
  // Link-local mode (issue 14): systemd's socket unit holds port 80 too and passes it on.
  if (ours?.linkLocal === true && owner.pid === 1) {
    return [ok('port-owner', `port ${port} is held by systemd (imdsd-link-local.socket), which passes it to imdsd (role ${ours.roleName})`)];
  }
  if (/(^|\/)systemd\b/.test(owner.command)) {
    // imdsd.socket: systemd keeps the port and starts the daemon on the next connection.
    return [ok('port-owner', `port ${port} is held by systemd (pid ${owner.pid}, imdsd.socket), which hands it to imdsd`)];
  }
  const mock = port === DEFAULT_IMDS_PORT || /ec2-metadata-mock/.test(owner.command);
  return [problem('port-owner', `port ${port} is held by pid ${owner.pid} (${owner.command}), not by imdsd`, {
    fix: `stop it (kill ${owner.pid}), or run imdsd with --port N and then eval "$(imdsd env)"`,
    detail: mock ? `${DEFAULT_IMDS_PORT} is also the default port of amazon-ec2-metadata-mock` : undefined,
  })];
}

export async function portChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([['port-owner', `who holds port ${s.port}`, () => portCheck(s)]]);
}
