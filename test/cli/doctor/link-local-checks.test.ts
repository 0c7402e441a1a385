/**
 * Issue 18: doctor says what backs the peer check in link-local mode. Linux: the nftables
 * table (listed as root, else what the address unit loads); macOS: who listens on the port
 * pf redirects 169.254.169.254:80 to.
 */
import t from 'tap';
import type { FirewallFacts } from '../../../src/cli/doctor/deps.js';
import { firewallFinding, linkLocalChecks, redirectFinding, ruleOwners } from '../../../src/cli/doctor/link-local-checks.js';
import { addressUnit } from '../../../src/cli/service/link-local-linux.js';
import { fakeRole, fakeStatus, only, situation } from '../../support/doctor-fakes.js';

/** `nft list table inet imdsd_link_local` as nft 1.0.6 prints it. */
const LISTING = `table inet imdsd_link_local {
\tchain output {
\t\ttype filter hook output priority filter; policy accept;
\t\tip daddr 169.254.169.254 tcp dport 80 tcp flags syn / syn,ack meta skuid != { 1001, 1005 } reject with tcp reset
\t\tip6 daddr fd00:ec2::254 tcp dport 80 tcp flags syn / syn,ack meta skuid != { 1001, 1005 } reject with tcp reset
\t}
}
`;
const UNIT = addressUnit('/usr/sbin/nft', 'dev', [1005]);
const facts = (listing: FirewallFacts['listing'], unit: string | undefined = UNIT): FirewallFacts => ({ listing, unit });

t.test('the owners of each rule, from a listing or from the unit', async (t) => {
  t.same(ruleOwners(LISTING), { v4: '1001, 1005', v6: '1001, 1005' }, 'a listing');
  t.same(ruleOwners(LISTING.replace('{ 1001, 1005 }', '1001')), { v4: '1001', v6: '1001, 1005' }, 'one uid, printed bare');
  t.same(ruleOwners(UNIT), { v4: '"dev", 1005', v6: '"dev", 1005' }, 'the unit');
  t.same(ruleOwners(addressUnit(undefined, 'dev', [])), { v4: undefined, v6: undefined }, 'a unit written without nft');
});

t.test('Linux: the table listed, absent, or only declared', async (t) => {
  t.match(firewallFinding(facts({ kind: 'listed', text: LISTING })),
    { id: 'link-local-firewall', level: 'ok', title: 'the kernel rule is in place: only uids 1001, 1005 may connect to 169.254.169.254:80 and [fd00:ec2::254]:80' }, 'listed (root)');
  t.match(firewallFinding(facts({ kind: 'listed', text: LISTING.split('\n').filter((l) => !l.includes('ip6')).join('\n') })),
    { level: 'problem', title: /lacks its reject rule for fd00:ec2::254/ }, 'half a table');
  t.match(firewallFinding(facts({ kind: 'absent' })), { level: 'problem', title: /^no nftables table imdsd_link_local is loaded/, fix: /systemctl restart imdsd-link-local-address.service/ }, 'absent');
  t.match(firewallFinding(facts({ kind: 'denied' })),
    { level: 'ok', title: 'the address unit loads the kernel rule (allowed: "dev", 1005); listing it needs root', detail: 'to see the loaded rule: sudo nft list table inet imdsd_link_local' }, 'as the user: what the unit loads');
  t.match(firewallFinding(facts({ kind: 'denied' }, addressUnit(undefined, 'dev', []))), { level: 'warning', title: /nft was not installed when the address unit was written/, fix: /apt-get install nftables/ }, 'a unit without the rule');
  t.match(firewallFinding(facts({ kind: 'no-nft' })), { level: 'problem', title: /nft is no longer installed/ }, 'nft removed since');
  t.match(firewallFinding({ listing: { kind: 'no-nft' }, unit: undefined }), { level: 'warning', title: /is not installed: no kernel rule/ }, 'no unit');
});

t.test('macOS: only the user\'s processes on the redirect port', async (t) => {
  t.match(redirectFinding(1338, 501, [{ pid: 77, uid: 501, command: 'node' }]), { id: 'link-local-redirect', level: 'ok', title: 'only your processes listen on port 1338, where pf redirects 169.254.169.254:80: pid 77 (node, uid 501)' }, 'ours');
  const foreign = redirectFinding(1338, 501, [{ pid: 77, uid: 501, command: 'node' }, { pid: 99, uid: 502, command: 'python3' }]);
  t.match(foreign, { level: 'problem', title: /is held by another user: pid 99 \(python3, uid 502\); it answers SDKs in imdsd's place/, fix: /sudo kill 99/ }, 'a foreign owner');
  t.match(redirectFinding(1338, 501, []), { level: 'problem', title: /nothing listens on port 1338.*any local user can bind it/ }, 'free: anyone could take it');
});

t.test('run only in link-local mode, per platform, guarded', async (t) => {
  const linkLocal = async () => fakeStatus([fakeRole({ port: 80, linkLocal: true })]);
  t.same(await linkLocalChecks(await situation({ status: async () => fakeStatus() })), [], 'not in link-local mode: nothing');
  const linux = await linkLocalChecks(await situation({ status: linkLocal, firewall: async () => facts({ kind: 'listed', text: LISTING }) }));
  t.equal(only(linux, 'link-local-firewall').level, 'ok', 'Linux: the firewall check');
  const mac = await linkLocalChecks(await situation({ platform: 'darwin', status: async () => fakeStatus([fakeRole({ port: 1338, linkLocal: true })]), portListeners: async (port) => [{ pid: 5, uid: 502, command: `x:${port}` }] }));
  t.match(only(mac, 'link-local-redirect'), { level: 'problem', title: /port 1338.*pid 5 \(x:1338, uid 502\)/ }, 'macOS: the redirect port\'s owners');
  const broken = await linkLocalChecks(await situation({ status: linkLocal, firewall: () => Promise.reject(new Error('nft failed: netlink')) }));
  t.match(only(broken, 'link-local-firewall'), { level: 'warning', title: 'could not check the nftables rule of link-local mode: nft failed: netlink' }, 'guarded');
  t.same(await linkLocalChecks(await situation({ platform: 'win32', status: linkLocal })), [], 'elsewhere: nothing');
});
