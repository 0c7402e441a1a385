/**
 * Guards the layout (house style 2, 3 and 16; issue 12): two programs, one contract.
 * src/daemon is the running process, src/cli the commands people type; they share only
 * src/contract (control API, paths, default port, exit codes), src/config (the checked
 * configuration, which `install` validates too), src/system (facts about the host) and the
 * leaves. The CLI loads the daemon's code only for `run`, and only lazily.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
  });
}

interface Import { readonly specifier: string; readonly dynamic: boolean }

function importsOf(code: string): Import[] {
  return [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)]
    .map((m) => ({ specifier: m[1] ?? m[2] ?? '', dynamic: m[1] === undefined }));
}

/** The top folder under src a file belongs to ('.' for the leaves). */
function areaOf(path: string): string {
  const [first, second] = relative(SRC, path).split('/');
  return second === undefined ? '.' : first ?? '.';
}

/** Which areas each area may import, besides itself, node: and packages. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  '.': ['.'],
  contract: ['.'],
  system: ['.'],
  config: ['.', 'contract'],
  imds: ['.', 'contract'],
  refresher: ['.', 'contract', 'system'],
  daemon: ['.', 'contract', 'config', 'system', 'imds', 'refresher'],
  cli: ['.', 'contract', 'config', 'system'],
};

const files = walk(SRC);
const edges = files.flatMap((file) => importsOf(readFileSync(file, 'utf8'))
  .filter((i) => i.specifier.startsWith('.') && !i.specifier.endsWith('.json'))
  .map((i) => ({ file, dynamic: i.dynamic, target: normalize(join(dirname(file), i.specifier)) })));

t.test('every folder of src is one the layout knows', async (t) => {
  for (const file of files) t.ok(areaOf(file) in MAY_IMPORT, `${relative(ROOT, file)} is in a known folder`);
});

t.test('imports point one way between the folders of src', async (t) => {
  t.ok(edges.length > 100, 'there are imports to check');
  for (const { file, target, dynamic } of edges) {
    const from = areaOf(file);
    const to = areaOf(target);
    if (from === to) continue;
    // The one door from the commands into the daemon: `imdsd run`, loaded on demand.
    if (relative(ROOT, file) === 'src/cli/main.ts' && relative(ROOT, target) === 'src/daemon/run.js') {
      t.ok(dynamic, 'src/cli/main.ts loads the daemon lazily, for `run` only');
      continue;
    }
    t.ok(MAY_IMPORT[from]?.includes(to), `${relative(ROOT, file)} (${from}) may import ${relative(ROOT, target)} (${to})`);
  }
});

t.test('src/imds never uses the AWS SDK: it serves what it is given', async (t) => {
  for (const file of files.filter((f) => areaOf(f) === 'imds')) {
    t.notMatch(readFileSync(file, 'utf8'), /from '@aws-sdk\//, `${relative(ROOT, file)} does not use the AWS SDK`);
  }
});
