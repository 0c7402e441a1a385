/** Issue 18: doctor's readings of nft and lsof, from scripted answers. */
import t from 'tap';
import { classifyNft, exec, firewallFacts, lsofListeners, parseLsof, type ExecResult } from '../../../src/cli/doctor/link-local-probe.js';
import { nodeFiles } from '../../../src/cli/doctor/real-deps.js';

const answer = (code: ExecResult['code'], stdout = '', stderr = ''): ExecResult => ({ code, stdout, stderr });

t.test('nft: listed, absent, not root, missing, other failures', async (t) => {
  t.same(classifyNft(answer(0, 'table inet imdsd_link_local {}')), { kind: 'listed', text: 'table inet imdsd_link_local {}' }, 'listed');
  t.same(classifyNft(answer(1, '', 'Error: No such file or directory\nlist table inet imdsd_link_local\n')), { kind: 'absent' }, 'no such table');
  t.same(classifyNft(answer(1, '', 'Operation not permitted (you must be root)\n')), { kind: 'denied' }, 'not root');
  t.same(classifyNft(answer('ENOENT')), { kind: 'no-nft' }, 'not installed');
  t.throws(() => classifyNft(answer(1, '', 'netlink: Error: cache initialization failed: Invalid argument\n')), { message: /^nft failed: netlink: Error: cache initialization failed/ }, 'anything else is reported');
  const facts = await firewallFacts({ ...nodeFiles, readText: async () => 'unit' }, async (cmd, args) => answer(0, `${cmd} ${args.join(' ')}`), Promise.resolve('/usr/sbin/nft'));
  t.same(facts, { listing: { kind: 'listed', text: '/usr/sbin/nft list table inet imdsd_link_local' }, unit: 'unit' }, 'the real collector, with a scripted nft');
  t.same((await firewallFacts({ ...nodeFiles, readText: async () => undefined }, exec, Promise.resolve(undefined))).listing, { kind: 'no-nft' }, 'no nft anywhere');
});

t.test('lsof -Fpcu: each process with its uid', async (t) => {
  t.same(parseLsof('p77\ncnode\nu501\nf21\nn127.0.0.1:1338\np99\ncpython3\nu502\nf3\nn*:1338\n'), [
    { pid: 77, uid: 501, command: 'node' }, { pid: 99, uid: 502, command: 'python3' },
  ], 'two listeners');
  t.same(await lsofListeners(1338, async (_cmd, args) => answer(0, `p5\ncx\nu0\n${args.join(' ')}`)), [{ pid: 5, uid: 0, command: 'x' }], 'runs lsof for the port');
  t.same(await lsofListeners(1338, async () => answer(1)), [], 'nothing listens: lsof exits 1');
  await t.rejects(lsofListeners(1338, async () => answer('ENOENT')), /lsof is not installed/, 'no lsof');
  const real = await exec('/bin/sh', ['-c', 'echo out; echo err >&2; exit 3']);
  t.same(real, { code: 3, stdout: 'out\n', stderr: 'err\n' }, 'exec: status and output');
  t.equal((await exec('/nonexistent/nft', [])).code, 'ENOENT', 'exec: a missing program');
});

t.test('nft is looked for in root\'s directories', async (t) => {
  const facts = await firewallFacts({ ...nodeFiles, readText: async () => undefined }, async (cmd) => answer(0, cmd));
  t.ok(facts.listing.kind === 'no-nft' || (facts.listing.kind === 'listed' && /^\/(usr\/)?s?bin\/nft$/.test(facts.listing.text)), `found by absolute path, or none: ${JSON.stringify(facts.listing)}`);
});
