/**
 * Link-local mode, what backs the daemon's peer check (issue 18).
 *
 * - Linux (`link-local-firewall`): is the nftables table imdsd_link_local loaded, with its
 *   reject rule for both addresses, and for which uids? Listing nftables needs root
 *   (CAP_NET_ADMIN); run as the user, doctor says what the installed address unit loads.
 * - macOS (`link-local-redirect`): pf sends 169.254.169.254:80 to the agent's loopback port,
 *   which any local user can bind while the agent is down; doctor names every listener on
 *   that port that is not this user's.
 */
import { LINK_LOCAL_IPV4, LINK_LOCAL_IPV6 } from '../../contract/link-local.js';
import type { FirewallFacts, PortListener } from './deps.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

export const FIREWALL_ID = 'link-local-firewall';
export const REDIRECT_ID = 'link-local-redirect';
export const ADDRESS_UNIT = '/etc/systemd/system/imdsd-link-local-address.service';
const REINSTALL = 'sudo imdsd install --link-local --profile NAME';

/** The allowed owners of each rule of a listing or a unit, per address; undefined where a rule is missing. */
export function ruleOwners(text: string): { v4: string | undefined; v6: string | undefined } {
  const owners = (address: string): string | undefined => {
    // A listing has a rule per line; the unit's ExecStart= has them in one batch, split by "; ".
    const at = text.split(/\n|; /).find((part) => part.includes(`daddr ${address} tcp dport 80`) && part.includes('reject'));
    if (at === undefined) return undefined;
    const match = /meta skuid != (\{ ([^}]*) \}|\S+)/.exec(at);
    return (match?.[2] ?? match?.[1])?.replace(/\\"/g, '"').trim();
  };
  return { v4: owners(LINK_LOCAL_IPV4), v6: owners(LINK_LOCAL_IPV6) };
}

/** What the installed address unit loads, as the unprivileged doctor can tell. */
function fromUnit(facts: FirewallFacts): Finding {
  const declared = facts.unit === undefined ? undefined : ruleOwners(facts.unit).v4;
  if (facts.unit === undefined) {
    return warning(FIREWALL_ID, `${ADDRESS_UNIT} is not installed: no kernel rule backs the daemon's uid check`, { fix: REINSTALL });
  }
  if (declared === undefined) {
    return warning(FIREWALL_ID, 'no kernel rule: nft was not installed when the address unit was written, so only the daemon\'s uid check guards 169.254.169.254:80',
      { fix: `apt-get install nftables, then ${REINSTALL}` });
  }
  if (facts.listing.kind === 'no-nft') {
    return problem(FIREWALL_ID, `the address unit loads an nftables rule (allowed: ${declared}) but nft is no longer installed: the unit fails at its next start`,
      { fix: `apt-get install nftables, or ${REINSTALL} again` });
  }
  return ok(FIREWALL_ID, `the address unit loads the kernel rule (allowed: ${declared}); listing it needs root`,
    { detail: 'to see the loaded rule: sudo nft list table inet imdsd_link_local' });
}

export function firewallFinding(facts: FirewallFacts): Finding {
  const { listing } = facts;
  if (listing.kind === 'absent') {
    return problem(FIREWALL_ID, 'no nftables table imdsd_link_local is loaded: any local user\'s connect() to 169.254.169.254:80 reaches the daemon (its own uid check still applies)',
      { fix: 'sudo systemctl restart imdsd-link-local-address.service (or install again)' });
  }
  if (listing.kind !== 'listed') return fromUnit(facts);
  const { v4, v6 } = ruleOwners(listing.text);
  if (v4 === undefined || v6 === undefined) {
    return problem(FIREWALL_ID, `the table imdsd_link_local lacks its reject rule for ${v4 === undefined ? LINK_LOCAL_IPV4 : LINK_LOCAL_IPV6}`,
      { fix: 'sudo systemctl restart imdsd-link-local-address.service' });
  }
  return ok(FIREWALL_ID, `the kernel rule is in place: only uids ${v4} may connect to ${LINK_LOCAL_IPV4}:80 and [${LINK_LOCAL_IPV6}]:80`);
}

const describe = (l: PortListener): string => `pid ${l.pid} (${l.command}, uid ${l.uid})`;

export function redirectFinding(port: number, uid: number, listeners: readonly PortListener[]): Finding {
  const target = `port ${port}, where pf redirects ${LINK_LOCAL_IPV4}:80`;
  const foreign = listeners.filter((listener) => listener.uid !== uid);
  if (foreign.length > 0) {
    return problem(REDIRECT_ID, `${target}, is held by another user: ${foreign.map(describe).join(', ')}; it answers SDKs in imdsd's place`,
      { fix: `stop it (sudo kill ${foreign.map((l) => l.pid).join(' ')}), then restart your agent: launchctl kickstart -k gui/${uid}/dev.imdsd.agent` });
  }
  if (listeners.length === 0) {
    return problem(REDIRECT_ID, `nothing listens on ${target}: while it is free, any local user can bind it and answer for imdsd`,
      { fix: `start your agent: launchctl kickstart gui/${uid}/dev.imdsd.agent` });
  }
  return ok(REDIRECT_ID, `only your processes listen on ${target}: ${listeners.map(describe).join(', ')}`);
}

export async function linkLocalChecks(s: Situation): Promise<Finding[]> {
  const role = s.roles.find((r) => r.linkLocal === true);
  if (role === undefined) return [];
  const { deps } = s;
  if (deps.platform === 'linux') {
    return runGuarded([[FIREWALL_ID, 'the nftables rule of link-local mode', async () => [firewallFinding(await deps.firewall())]]]);
  }
  const port = role.port;
  if (deps.platform !== 'darwin' || port === undefined) return [];
  return runGuarded([[REDIRECT_ID, `who listens on port ${port}`, async () => [redirectFinding(port, deps.uid, await deps.portListeners(port))]]]);
}
