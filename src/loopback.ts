/**
 * What counts as this machine: one answer for the listen address (a non-loopback one needs
 * --allow-cidr), the Host header (DNS-rebinding defence), the peer of a connection (uid
 * lookup) and the endpoints doctor and `imdsd env` look at.
 */

/** The spellings of this machine that SDK endpoints use, and that imdsd listens on by default. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * `localhost`, `::1` (also bracketed, as in a URL's hostname) and any address of
 * 127.0.0.0/8. Not the IPv4-mapped `::ffff:127.0.0.1`: no client names a host so, and the
 * Host guard refuses it; a peer address in that form is unwrapped first (peerAddress).
 */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

/** A socket's remote address without the `::ffff:` a dual-stack socket puts before IPv4. */
export function peerAddress(address: string): string {
  return address.replace(/^::ffff:/, '');
}
