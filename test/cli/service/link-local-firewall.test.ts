/**
 * Issue 18: the nftables rule of the link-local address unit, as text. That the kernel
 * enforces it is shown in a network namespace by test/integration/link-local-firewall.test.ts.
 */
import t from 'tap';
import {
  allowedOwners, findNft, firewallLines, NFT_CANDIDATES, NFT_DELETE_ARGS, NFT_TABLE, nftDeleteCommand, nftRuleset, NO_NFT_NOTE,
} from '../../../src/cli/service/link-local-firewall.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

t.test('the allowed owners: User= (a name nft resolves, or a uid) and --allow-uid, once each', async (t) => {
  t.same(allowedOwners('dev', []), ['"dev"'], 'a user name, quoted for nft');
  t.same(allowedOwners('ci-runner.1', [1005, 1006, 1005]), ['"ci-runner.1"', '1005', '1006'], 'plus the --allow-uid uids, without repeats');
  t.same(allowedOwners('1001', [1001, 1002]), ['1001', '1002'], 'a numeric User= is a uid');
  t.notOk(allowedOwners('dev', [1002]).includes('0'), 'root is not let through unless asked (the daemon refuses it too)');
});

t.test('the ruleset: one atomic batch, its own table, output hook, SYN from anyone else reset', async (t) => {
  const text = nftRuleset(['"dev"', '1002']);
  t.equal(text, [
    'add table inet imdsd_link_local',
    'delete table inet imdsd_link_local',
    'add table inet imdsd_link_local',
    'add chain inet imdsd_link_local output { type filter hook output priority 0; policy accept; }',
    'add rule inet imdsd_link_local output ip daddr 169.254.169.254 tcp dport 80 tcp flags & (syn | ack) == syn meta skuid != { "dev", 1002 } reject with tcp reset',
    'add rule inet imdsd_link_local output ip6 daddr fd00:ec2::254 tcp dport 80 tcp flags & (syn | ack) == syn meta skuid != { "dev", 1002 } reject with tcp reset',
  ].join('; '), 'exactly');
  t.equal(NFT_TABLE, 'imdsd_link_local', 'a table of imdsd\'s own');
  t.same(NFT_DELETE_ARGS, ['delete', 'table', 'inet', 'imdsd_link_local'], 'removed as a whole');
});

t.test('the unit lines: with nft by absolute path, quoted for systemd; without it a comment', async (t) => {
  const lines = firewallLines('/usr/sbin/nft', ['"dev"', '1002']);
  t.equal(lines.FIREWALL_START.split('\n').pop(),
    `ExecStart=/usr/sbin/nft "${nftRuleset(['\\"dev\\"', '1002'])}"`, 'one ExecStart=, the batch as one quoted argument, the name\'s quotes escaped');
  t.match(lines.FIREWALL_START, /No "-": if nft fails, the unit fails/, 'a failing nft fails the unit: no address without the rule');
  t.match(lines.FIREWALL_START, /Allowed: "dev", 1002\./, 'the comment names who is allowed');
  t.equal(lines.FIREWALL_STOP, 'ExecStop=-/usr/sbin/nft delete table inet imdsd_link_local', 'stop removes the table');
  const none = firewallLines(undefined, ['"dev"']);
  t.match(none.FIREWALL_START, /^# No nftables rule: nft was not installed/, 'without nft: says so in the unit');
  t.notMatch(none.FIREWALL_START, /^Exec/m, 'and runs nothing');
  t.equal(none.FIREWALL_STOP, '', 'nothing to stop');
  t.match(NO_NFT_NOTE, /^nft is not installed \(looked in \/usr\/sbin\/nft, .*\): no kernel rule .*the daemon's own uid check still applies/, 'the install note');
  t.notMatch(NO_NFT_NOTE, /\n/, 'one line');
});

t.test('nft is looked for in root\'s directories only, never on PATH', async (t) => {
  t.equal(await findNft(fakeServiceIo({ env: { PATH: '/home/dev/bin' }, files: { '/home/dev/bin/nft': '' } })), undefined, 'not on the user\'s PATH');
  t.equal(await findNft(fakeServiceIo({ files: { '/sbin/nft': '', '/usr/bin/nft': '' } })), '/sbin/nft', 'the first candidate that exists');
  t.ok(NFT_CANDIDATES.every((path) => /^\/(usr\/)?s?bin\/nft$/.test(path)), 'all system directories');
  t.same(nftDeleteCommand('/usr/sbin/nft'), { cmd: '/usr/sbin/nft', args: NFT_DELETE_ARGS, mayFail: 'no table: the address unit removed it when it stopped, or it was never loaded' }, 'uninstall\'s delete may fail');
});
