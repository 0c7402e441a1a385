/**
 * Guards the layout (house style 2, 3 and 16; issue 12): two programs, one contract.
 * src/daemon is the running process, src/cli the commands people type; they share only
 * src/contract (control API, paths, default port, exit codes), src/config (the checked
 * configuration, which `install` validates too), src/system (facts about the host) and the
 * leaves, and the SDK-free part of src/profiles (issue 20). The CLI loads the daemon's code
 * only for `run`, and only lazily.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import t from 'tap';
import { graphOf, reachable, ROOT, SRC, srcEdges, walk } from './support/import-graph.js';

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
  // Reading a profile and building its issuer: above the issuers (src/refresher/issuers),
  // below the daemon; the CLI reads its SDK-free part (see the test below).
  profiles: ['.', 'contract', 'config', 'system', 'refresher'],
  daemon: ['.', 'contract', 'config', 'system', 'imds', 'refresher', 'profiles'],
  cli: ['.', 'contract', 'config', 'system', 'profiles'],
};

const files = walk(SRC);
const edges = srcEdges(files);

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
    if (relative(ROOT, file) === 'src/cli/main.ts' && relative(ROOT, target) === 'src/daemon/run.ts') {
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

t.test('what the commands load never reaches the daemon, the refresher or the IMDS server', async (t) => {
  // src/profiles sits above src/refresher: the CLI may use only its part that does not
  // build issuers (the classifier doctor shares with the daemon), so nothing it loads
  // pulls in the AWS SDK's credential code. Only `imdsd run` loads the daemon, lazily.
  const staticGraph = graphOf(edges.filter((edge) => !edge.dynamic));
  const cli = files.filter((f) => areaOf(f) === 'cli');
  const loaded = [...reachable(staticGraph, cli)];
  t.ok(loaded.some((f) => relative(ROOT, f) === 'src/profiles/classify.ts'), 'doctor uses the profile classifier');
  const daemonSide = loaded.filter((f) => ['daemon', 'refresher', 'imds'].includes(areaOf(f))).map((f) => relative(ROOT, f));
  t.same(daemonSide, [], `the commands load ${loaded.length} files, none of the daemon's`);
});
