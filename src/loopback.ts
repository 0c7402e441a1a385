/**
 * What counts as this machine: one answer for the listen address (a non-loopback one needs
 * --allow-cidr), the Host header (DNS-rebinding defence), the peer of a connection (uid
 * lookup) and the endpoints doctor and `imdsd env` look at.
 */

/** The spellings of this machine that SDK endpoints use, and that imdsd listens on by default. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/**
 * `localhost`, `::1` (also bracketed, as in a URL's hostname), any address of 127.0.0.0/8,
 * and the IPv4-mapped form a dual-stack socket reports (`::ffff:127.0.0.1`).
 */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^(?:::ffff:)?127(?:\.\d{1,3}){3}$/.test(name);
}
