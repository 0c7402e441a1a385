/**
 * The import graph of src, parsed from the source text: which file imports which, so
 * that tests can check the direction of imports between folders (boundaries.test.ts),
 * what the CLI loads, and that no file reaches itself again (cycles.test.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SRC = join(ROOT, 'src');

export function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
  });
}

export interface Import { readonly specifier: string; readonly dynamic: boolean }

/** Static imports and re-exports (`from '…'`, type-only too) and `import('…')`. */
export function importsOf(code: string): Import[] {
  return [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)]
    .map((m) => ({ specifier: m[1] ?? m[2] ?? '', dynamic: m[1] === undefined }));
}

export interface Edge {
  readonly file: string;
  /** The imported file, as a .ts path under src. */
  readonly target: string;
  readonly dynamic: boolean;
}

/** Every import of a src file by another, with `.js` specifiers mapped to their `.ts` source. */
export function srcEdges(files: readonly string[]): Edge[] {
  return files.flatMap((file) => importsOf(readFileSync(file, 'utf8'))
    .filter((i) => i.specifier.startsWith('.') && !i.specifier.endsWith('.json'))
    .map((i) => ({ file, dynamic: i.dynamic, target: normalize(join(dirname(file), i.specifier)).replace(/\.js$/, '.ts') })));
}

/** Node → the nodes it imports. */
export type Graph = ReadonlyMap<string, readonly string[]>;

export function graphOf(edges: readonly Edge[]): Graph {
  const graph = new Map<string, string[]>();
  for (const { file, target } of edges) graph.set(file, [...(graph.get(file) ?? []), target]);
  return graph;
}

/**
 * Cycles found by a depth-first search: each back edge closes one, reported as the path
 * from the node it returns to, round to that node again. Empty when the graph has none.
 */
export function findCycles(graph: Graph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (state.get(node) === undefined) visit(node);
  return cycles;
}

/** Every node reachable from `from` (itself included). */
export function reachable(graph: Graph, from: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const pending = [...from];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (seen.has(node)) continue;
    seen.add(node);
    pending.push(...(graph.get(node) ?? []));
  }
  return seen;
}

export function srcRelative(path: string): string {
  return relative(ROOT, path);
}
