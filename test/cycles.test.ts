/**
 * No import cycles in src (issue 20): a cycle means two files that cannot be read, tested
 * or moved apart, as profile.ts and direct-profile.ts once were. The graph is parsed
 * from every src file's imports, type-only and dynamic ones included.
 */
import t from 'tap';
import { findCycles, graphOf, SRC, srcEdges, srcRelative, walk } from './support/import-graph.js';

t.test('the cycle finder finds a cycle in a small graph, and none where there is none', async (t) => {
  const sample = new Map([['a', ['b']], ['b', ['c']], ['c', ['a', 'd']], ['d', []], ['e', ['a']]]);
  t.same(findCycles(sample), [['a', 'b', 'c', 'a']], 'a → b → c → a, and the files that only reach it are not in it');
  t.same(findCycles(new Map([['a', ['a']]])), [['a', 'a']], 'a file importing itself');
  t.same(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), [], 'two paths to one file are no cycle');
  t.same(findCycles(new Map([['x', ['y']], ['y', ['x']], ['p', ['q']], ['q', ['p']]])), [['p', 'q', 'p'], ['x', 'y', 'x']], 'each of two separate cycles');
});

t.test('no file in src imports itself, directly or through others', async (t) => {
  const edges = srcEdges(walk(SRC));
  t.ok(edges.length > 100, 'there are imports to check');
  const cycles = findCycles(graphOf(edges)).map((cycle) => cycle.map(srcRelative).join(' → '));
  t.same(cycles, [], cycles.join('\n') || 'no cycles');
});
