/**
 * No function in src longer than about 60 lines (issue 12): a long function is a state
 * machine or several concerns in hiding (house style 17). Counted from the TypeScript
 * syntax tree, so a nested function counts on its own and also inside its parent.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAX_LINES = 60;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
  });
}

function longFunctions(path: string): string[] {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      const name = node.name === undefined ? '(anonymous)' : node.name.getText(source);
      if (lines > MAX_LINES) found.push(`${relative(ROOT, path)}:${first + 1} ${name} is ${lines} lines`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

t.test(`no function in src is longer than ${MAX_LINES} lines`, async (t) => {
  const files = walk(join(ROOT, 'src'));
  t.ok(files.length > 50, 'the sources are found');
  t.same(files.flatMap(longFunctions), [], 'every function is short');
});
