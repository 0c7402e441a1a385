/**
 * The kernel's half of the peer check in link-local mode on Linux (issue 18): an nftables
 * table of imdsd's own, loaded by the root-run address unit before the addresses appear,
 * that resets every new TCP connection to 169.254.169.254:80 and [fd00:ec2::254]:80 from a
 * local socket whose owner is not allowed. Allowed: exactly the service's `User=` and the
 * `--allow-uid` uids, the same set the daemon's own check serves; root is not in it (the
 * daemon refuses root's connections too; root can read the credential from the daemon's
 * memory anyway, so refusing it is consistency, not a defence).
 *
 * Locally generated packets traverse the `output` hook, so the chain hooks there; a
 * connection's first packet is a SYN without ACK, which the rule matches statelessly
 * (no conntrack needed). Nothing else on the machine is touched: the table is imdsd's
 * alone and is deleted by the unit's ExecStop and by `imdsd uninstall --link-local`.
 */
import { LINK_LOCAL_IPV4, LINK_LOCAL_IPV6, LINK_LOCAL_PORT } from '../../contract/link-local.js';
import { systemdArg } from './escape.js';
import type { Command } from './service-commands.js';
import type { ServiceIo } from './service-io.js';

export const NFT_TABLE = 'imdsd_link_local';
/** `inet`: one table for IPv4 and IPv6. */
const TABLE = `inet ${NFT_TABLE}`;

/**
 * Where distributions install nft: root's system directories only, never the PATH of the
 * person who ran sudo. The first that exists is named by its absolute path in the unit.
 */
export const NFT_CANDIDATES: readonly string[] = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft', '/bin/nft'];

export async function findNft(io: ServiceIo): Promise<string | undefined> {
  for (const path of NFT_CANDIDATES) if (await io.exists(path)) return path;
  return undefined;
}

/**
 * The socket owners the rule lets through, as nft reads them: a uid as a number; a user
 * name quoted, resolved by nft when the unit loads the rule (the uid `User=` gets then).
 */
export function allowedOwners(user: string, allowUids: readonly number[]): string[] {
  const owners = [/^\d+$/.test(user) ? user : `"${user}"`, ...allowUids.map(String)];
  return [...new Set(owners)];
}

/** One rule per address: a new connection (SYN, no ACK) from anyone else is reset. */
function rule(match: string, owners: readonly string[]): string {
  return `add rule ${TABLE} output ${match} tcp dport ${LINK_LOCAL_PORT} tcp flags & (syn | ack) == syn meta skuid != { ${owners.join(', ')} } reject with tcp reset`;
}

/**
 * One nft batch, applied atomically: create the table (so the delete finds one), delete
 * it with anything a crash left in it, then build it afresh. A second start is not an
 * error, and there is no moment with half a table.
 */
export function nftRuleset(owners: readonly string[]): string {
  return [
    `add table ${TABLE}`,
    `delete table ${TABLE}`,
    `add table ${TABLE}`,
    `add chain ${TABLE} output { type filter hook output priority 0; policy accept; }`,
    rule(`ip daddr ${LINK_LOCAL_IPV4}`, owners),
    rule(`ip6 daddr ${LINK_LOCAL_IPV6}`, owners),
  ].join('; ');
}

/** The arguments of the delete, for ExecStop= and for uninstall. */
export const NFT_DELETE_ARGS: readonly string[] = ['delete', 'table', 'inet', NFT_TABLE];

const NO_NFT = `# No nftables rule: nft was not installed when this unit was written, so only the
# daemon's own peer-uid check guards 169.254.169.254:80. To add the kernel rule, install
# nftables and run \`sudo imdsd install --link-local\` again.`;

/** The address unit's FIREWALL_START and FIREWALL_STOP lines, with nft or without it. */
export function firewallLines(nft: string | undefined, owners: readonly string[]): { FIREWALL_START: string; FIREWALL_STOP: string } {
  if (nft === undefined) return { FIREWALL_START: NO_NFT, FIREWALL_STOP: '' };
  return {
    FIREWALL_START: `# The kernel rule first, before the addresses exist. No "-": if nft fails, the unit fails
# and no address (or port 80) comes up without the rule. Allowed: ${owners.join(', ')}.
ExecStart=${nft} ${systemdArg(nftRuleset(owners))}`,
    FIREWALL_STOP: `ExecStop=-${nft} ${NFT_DELETE_ARGS.join(' ')}`,
  };
}

/** What `install` says, in one line, where nft is missing. */
export const NO_NFT_NOTE = `nft is not installed (looked in ${NFT_CANDIDATES.join(', ')}): no kernel rule will back the peer check on `
  + `${LINK_LOCAL_IPV4}:${LINK_LOCAL_PORT}; the daemon's own uid check still applies (apt-get install nftables, then install again)`;

/** Uninstall: the table goes even when the unit is already gone. */
export function nftDeleteCommand(nft: string): Command {
  return { cmd: nft, args: NFT_DELETE_ARGS, mayFail: 'no table: the address unit removed it when it stopped, or it was never loaded' };
}
