/**
 * The bench's targets are written once, in bench/budgets.ts (issue 20: bench/README.md once
 * said 250 and 300 ms, 60 and 70 MiB). bench/README.md's budget table must quote every one
 * with its value, and the performance table of README.md (or the docs/ page it moves to)
 * must state issue 15's targets with the same numbers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { BUDGETS } from '../bench/budgets.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

t.test('bench/README.md quotes every budget with the value bench/budgets.ts holds', async (t) => {
  const quoted = new Map<string, string>();
  const section = read('bench/README.md').split(/^## /m).find((part) => part.startsWith('Budgets')) ?? '';
  t.ok(section.length > 0, 'bench/README.md has a Budgets section');
  for (const match of section.matchAll(/^\| `(\w+)` \| ([\d.]+) \|/gm)) quoted.set(match[1] ?? '', match[2] ?? '');
  for (const [name, value] of Object.entries(BUDGETS)) t.equal(quoted.get(name), String(value), `${name} is quoted as ${value}`);
  t.same([...quoted.keys()].filter((name) => !(name in BUDGETS)), [], 'and no budget that is not in budgets.ts');
});

t.test('the user-facing performance table states issue 15\'s targets as budgets.ts does', async (t) => {
  const docs = readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => read(join('docs', name)));
  const text = [read('README.md'), ...docs].join('\n');
  for (const target of [`≥ ${BUDGETS.getThroughputRatio} ×`, `≤ ${BUDGETS.getP99Ratio} ×`, `≤ ${BUDGETS.newConnectionTimeRatio} ×`,
    `< ${BUDGETS.idleRssMB} MB`, `< ${BUDGETS.listeningMs} ms`, `< ${BUDGETS.loopDelayP99Ms} ms`, `≤ ${BUDGETS.stsInFlight}`]) {
    t.ok(text.includes(target), `"${target}" is stated`);
  }
  for (const stale of ['< 300 ms', '< 70 MiB', 'listening < 300']) t.notOk(text.includes(stale), `no stale "${stale}"`);
});
