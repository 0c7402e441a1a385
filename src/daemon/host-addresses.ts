/**
 * Is a peer address one of this host's own? A local program that connects to an address
 * of this host arrives from that address, not from 127.0.0.1: with 169.254.169.254 on `lo`
 * (link-local mode, issue 14) every local user's client arrives from 169.254.169.254, and
 * one that connects to the host's LAN or Docker-bridge address arrives from that. Such a
 * peer is a local user, so it gets the per-uid check, never the `--allow-cidr` check meant
 * for containers and other machines.
 */
import { networkInterfaces } from 'node:os';

export type InterfaceTable = () => ReturnType<typeof networkInterfaces>;

/** The address as os.networkInterfaces() spells it: IPv4-mapped IPv6 unwrapped, no zone. */
function plain(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.)/i, '').replace(/%.*$/, '').toLowerCase();
}

/**
 * True when `address` is assigned to an interface of this host (in this network
 * namespace). Read on each call, never cached: an address added later (the link-local
 * one is added by its own unit at boot) counts at once, and the table is short.
 */
export function isHostAddress(address: string | undefined, interfaces: InterfaceTable = networkInterfaces): boolean {
  if (address === undefined || address === '') return false;
  const wanted = plain(address);
  for (const entries of Object.values(interfaces())) {
    for (const entry of entries ?? []) if (plain(entry.address) === wanted) return true;
  }
  return false;
}
