import t from 'tap';
import { batched } from '../../src/system/batched.js';
import { settle } from '../support/fake-clock.js';

/** A load whose reads the test finishes one by one. */
function controlled() {
  const reads: { resolve(value: number): void; reject(error: Error): void }[] = [];
  const load = () => new Promise<number>((resolve, reject) => reads.push({ resolve, reject }));
  return { reads, read: batched(load) };
}

t.test('callers that arrive during a read share the next one, which starts after they called', async (t) => {
  const { reads, read } = controlled();
  const first = read();
  const [second, third] = [read(), read()];
  t.equal(reads.length, 1, 'one read runs');
  t.equal(second, third, 'the callers that arrived during it wait for one promise');
  reads[0]?.resolve(1);
  t.equal(await first, 1, 'the first caller gets the first read');
  await settle(1);
  t.equal(reads.length, 2, 'the next read starts once the first is done');
  reads[1]?.resolve(2);
  t.equal(await second, 2, 'and the later callers get it, not the older table');
  const fourth = read();
  t.equal(reads.length, 3, 'with nothing running, a caller starts a read at once');
  reads[2]?.resolve(3);
  t.equal(await fourth, 3, 'its own');
});

t.test('a failed read fails only the callers it served', async (t) => {
  const { reads, read } = controlled();
  const failing = read();
  const waiting = read();
  reads[0]?.reject(Object.assign(new Error('gone'), { code: 'EIO' }));
  await t.rejects(failing, { code: 'EIO' }, 'the caller of the failed read sees its error');
  await settle(1);
  reads[1]?.resolve(7);
  t.equal(await waiting, 7, 'a caller waiting for the next read gets that read');
});
