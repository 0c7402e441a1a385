/**
 * The addresses of the real EC2 metadata service, which imdsd serves itself in link-local
 * mode (`imdsd install --link-local`): clients that ignore AWS_EC2_METADATA_SERVICE_ENDPOINT
 * or drop its port (Debian's Ruby SDK 3.168 keeps the host and connects to port 80) find
 * imdsd with no configuration at all. The daemon accepts these `Host` names in that mode
 * only; the installer puts the addresses on the loopback interface and the commands know
 * where to look (docs/imds-protocol.md, "Endpoint variables").
 */

/** The IPv4 IMDS address: every SDK's default endpoint. */
export const LINK_LOCAL_IPV4 = '169.254.169.254';
/** The IPv6 IMDS address, for AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6. */
export const LINK_LOCAL_IPV6 = 'fd00:ec2::254';
/** The port the SDKs call: the URL's default. */
export const LINK_LOCAL_PORT = 80;

/** `Host` names (lower case, IPv6 unbracketed) served in link-local mode. */
export const LINK_LOCAL_HOSTS: readonly string[] = [LINK_LOCAL_IPV4, LINK_LOCAL_IPV6];

/**
 * The control socket of the link-local daemon on Linux, a system service running as the
 * user (`RuntimeDirectory=imdsd-link-local`): the commands look here when the user's own
 * socket is absent.
 */
export const LINK_LOCAL_CONTROL_SOCKET = '/run/imdsd-link-local/control.sock';

/** The URL clients reach without configuration. */
export const LINK_LOCAL_URL = `http://${LINK_LOCAL_IPV4}/`;

/** True when `address` (as a socket or a status reports it) is one of the two. */
export function isLinkLocalAddress(address: string): boolean {
  const plain = address.replace(/^\[|\]$/g, '').replace(/^::ffff:/, '').toLowerCase();
  return LINK_LOCAL_HOSTS.includes(plain);
}
