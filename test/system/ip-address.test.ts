import t from 'tap';
import { addressKey, procAddressText } from '../../src/system/ip-address.js';

t.test('every spelling of one address has one key', async (t) => {
  t.equal(addressKey('127.0.0.1'), '7f000001', 'IPv4');
  t.equal(addressKey('::ffff:127.0.0.1'), '7f000001', 'IPv4-mapped, dotted');
  t.equal(addressKey('::ffff:7f00:1'), '7f000001', 'IPv4-mapped, in hex groups');
  t.equal(addressKey('0:0:0:0:0:ffff:7f00:0001'), '7f000001', 'IPv4-mapped, in full groups');
  t.equal(addressKey('::1'), '00000000000000000000000000000001', 'IPv6 loopback');
  t.equal(addressKey('0:0:0:0:0:0:0:1'), addressKey('::1'), 'full groups and :: agree');
  t.equal(addressKey('FE80::1%eth0'), addressKey('fe80:0:0:0:0:0:0:1'), 'a zone is dropped, case ignored');
  t.equal(addressKey('fd00:ec2::254'), 'fd000ec2000000000000000000000254', 'the link-local IMDS address');
  t.equal(addressKey('::127.0.0.2'), '0000000000000000000000007f000002', 'an IPv4-compatible address is IPv6, not IPv4');
  t.not(addressKey('127.0.0.2'), addressKey('127.0.0.1'), 'two addresses differ');
  t.equal(addressKey('not an address'), undefined, 'no address, no key');
  t.equal(addressKey(''), undefined, 'empty');
});

t.test('/proc/net/tcp hex reads in the host byte order', async (t) => {
  t.equal(procAddressText('0100007F', 'LE'), '127.0.0.1', 'IPv4 on a little-endian host');
  t.equal(procAddressText('7F000001', 'BE'), '127.0.0.1', 'and on a big-endian one');
  t.equal(procAddressText('00000000000000000000000001000000', 'LE'), '0:0:0:0:0:0:0:1', 'IPv6 ::1');
  t.equal(addressKey(procAddressText('0000000000000000FFFF00000100007F', 'LE') ?? ''), '7f000001', 'a v4-mapped tcp6 row is the IPv4 address');
  t.equal(procAddressText('0100007F00', 'LE'), undefined, 'an odd length');
  t.equal(procAddressText('0100007G', 'LE'), undefined, 'not hex');
  t.equal(procAddressText('0100007F0100007F', 'LE'), undefined, 'eight bytes are no address');
});
