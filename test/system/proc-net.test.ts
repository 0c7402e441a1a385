import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { TCP_STATE, hexPort, parseTcpRow, readTcpTables } from '../../src/system/proc-net.js';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode';
const ROW = '   0: 0100007F:053A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 100 0 0 10 0';

t.test('ports are spelt as the tables spell them', async (t) => {
  t.equal(hexPort(1338), ':053A', '1338');
  t.equal(hexPort(80), ':0050', 'padded to four digits');
});

t.test('a row gives its addresses, state, uid and inode', async (t) => {
  t.same(parseTcpRow(ROW), { local: '0100007F:053A', remote: '00000000:0000', state: TCP_STATE.LISTEN, uid: 1000, inode: '424242' }, 'the columns');
  t.equal(parseTcpRow(HEADER), undefined, 'the header is no row');
  t.equal(parseTcpRow('   0: 0100007F:053A'), undefined, 'a short line is none');
});

t.test('tables under a proc root', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'imdsd-proc-'));
  mkdirSync(join(root, 'net'));
  writeFileSync(join(root, 'net', 'tcp'), `${HEADER}\n${ROW}\n`);
  const [tcp, tcp6] = await readTcpTables(root);
  t.match(tcp, /424242/, 'tcp read');
  t.equal(tcp6, '', 'a missing tcp6 reads as empty');
});
