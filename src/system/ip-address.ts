/**
 * One spelling per IP address, so that two descriptions of one socket compare equal
 * whoever wrote them: Node (`::ffff:127.0.0.1`, `fe80::1%eth0`), the kernel over netlink
 * (`127.0.0.1`, compressed IPv6) and /proc/net/tcp{,6} (hex words in host byte order).
 */
import { endianness } from 'node:os';
import { isIPv4, isIPv6 } from 'node:net';

/** Bytes in network order; an IPv4-mapped IPv6 address becomes its four IPv4 bytes. */
function normalised(bytes: Buffer): Buffer {
  const mapped = bytes.length === 16 && bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.subarray(12) : bytes;
}

function ipv4Bytes(text: string): Buffer {
  return Buffer.from(text.split('.').map(Number));
}

/** An IPv6 address already checked by isIPv6, without its zone. */
function ipv6Bytes(text: string): Buffer {
  const embedded = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  const body = embedded === null ? text : `${embedded[1]}0:0`;
  const [left = '', right] = body.split('::');
  const head = left === '' ? [] : left.split(':');
  const tail = right === undefined || right === '' ? [] : right.split(':');
  const groups = [...head, ...new Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => bytes.writeUInt16BE(parseInt(group, 16), index * 2));
  if (embedded !== null) ipv4Bytes(embedded[2] ?? '').copy(bytes, 12);
  return bytes;
}

/**
 * A key that two spellings of one address share: hex of its bytes, 8 digits for IPv4
 * (also when written v4-mapped), 32 for IPv6. The zone (`%eth0`) is dropped: which
 * interface a socket uses is the kernel's to match, not the text's. Undefined for text
 * that is no address.
 */
export function addressKey(text: string): string | undefined {
  const plain = text.split('%', 1)[0] ?? '';
  if (isIPv4(plain)) return ipv4Bytes(plain).toString('hex');
  if (isIPv6(plain)) return normalised(ipv6Bytes(plain)).toString('hex');
  return undefined;
}

/**
 * An address as /proc/net/tcp{,6} prints it (`0100007F`: 32-bit words in the host's byte
 * order), as text: dotted IPv4, or IPv6 in eight full groups. Undefined for other lengths.
 */
export function procAddressText(hex: string, order: 'LE' | 'BE' = endianness()): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{8}){1,4}$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  if (order === 'LE') for (let word = 0; word < bytes.length; word += 4) bytes.subarray(word, word + 4).reverse();
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let at = 0; at < 16; at += 2) groups.push(bytes.readUInt16BE(at).toString(16));
  return groups.join(':');
}
