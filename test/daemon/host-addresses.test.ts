import t from 'tap';
import type { NetworkInterfaceInfo } from 'node:os';
import { isHostAddress } from '../../src/daemon/host-addresses.js';

function entry(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  return { address, family, netmask: '', mac: '00:00:00:00:00:00', internal: true, cidr: null, ...(family === 'IPv6' ? { scopeid: 0 } : {}) } as NetworkInterfaceInfo;
}

// lo in link-local mode (issue 14), and a Docker bridge.
const table = () => ({
  lo: [entry('127.0.0.1', 'IPv4'), entry('169.254.169.254', 'IPv4'), entry('::1', 'IPv6'), entry('fd00:ec2::254', 'IPv6')],
  docker0: [entry('172.17.0.1', 'IPv4'), entry('fe80::42:acff:fe11:1', 'IPv6')],
  down: undefined,
});

t.test('an address of any interface of this host is a local peer', async (t) => {
  for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', 'FD00:EC2::254', '172.17.0.1', 'fe80::42:acff:fe11:1%docker0', '127.0.0.1']) {
    t.ok(isHostAddress(address, table), `${address} belongs to this host`);
  }
});

t.test('other addresses are not, nor is an unknown one', async (t) => {
  for (const address of ['172.17.0.2', '10.0.0.1', 'fd00:ec2::253', '::ffff:10.0.0.1', '', undefined]) {
    t.notOk(isHostAddress(address, table), `${String(address)} is not this host's`);
  }
});

t.test('by default the real interface table is read', async (t) => {
  t.ok(isHostAddress('127.0.0.1'), 'loopback is always one of this host\'s addresses');
  t.notOk(isHostAddress('192.0.2.77'), 'a documentation address (TEST-NET-1) is not');
});
