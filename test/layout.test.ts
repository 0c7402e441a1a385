/**
 * test/ mirrors src/ file for file (house style 12 and 18; issue 12): every source file
 * has test/<same path>.test.ts, or a reason here naming the tests that exercise it. A file
 * that nothing imports is not even reported by coverage, so this check closes that hole.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Source files tested through another file's tests, and where. */
const TESTED_ELSEWHERE: Readonly<Record<string, string>> = {
  'src/cli/command-spec.ts': 'the shape of a command table entry and its shared options: test/cli/command-table.test.ts, test/cli/help.test.ts',
  'src/cli/doctor/deps.ts': 'types and the deps contract of doctor: test/support/doctor-fakes.ts, test/cli/doctor/*',
  'src/daemon/control/control-listen.ts': 'the owner-only control socket: test/integration/control.test.ts',
  'src/daemon/listen.ts': 'the IMDS listeners on both loopback addresses, port in use: test/integration/daemon-e2e.test.ts, test/interop/endpoint-spellings.test.ts',
  'src/daemon/run.ts': 'the daemon process, signals and crash handling: test/integration/shutdown.test.ts, config-reload.test.ts',
  'src/profiles/resolved-role.ts': 'types only (a resolved role, its issuer spec and deps): test/profiles/resolve.test.ts, issuer.test.ts and each kind\'s test',
};

/** Tests in a mirror folder that check a behaviour across files rather than one file. */
const EXTRA_TESTS: ReadonlySet<string> = new Set([
  'test/cli/commands/link-local-env.test.ts',
  'test/cli/doctor/doctor-e2e.test.ts',
  'test/cli/service/plist-parser.test.ts',
  'test/cli/service/boundaries.test.ts',
  'test/imds/container-credentials.test.ts',
  'test/imds/boundaries.test.ts',
  'test/imds/sdk-client.test.ts',
  'test/refresher/property.test.ts',
  'test/refresher/refresher-offline.test.ts',
]);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.ts') ? [path] : [];
  });
}

const sources = walk(join(ROOT, 'src')).map((path) => relative(ROOT, path));

t.test('every src file has its test file, or a stated reason', async (t) => {
  t.ok(sources.length > 80, 'the sources are found');
  for (const source of sources) {
    const own = source.replace(/^src\//, 'test/').replace(/\.ts$/, '.test.ts');
    const reason = TESTED_ELSEWHERE[source];
    t.ok(existsSync(join(ROOT, own)) || reason !== undefined, `${source}: ${existsSync(join(ROOT, own)) ? own : reason ?? 'has no test'}`);
  }
});

t.test('no stated reason is stale', async (t) => {
  for (const source of Object.keys(TESTED_ELSEWHERE)) {
    t.ok(sources.includes(source), `${source} still exists`);
    const own = source.replace(/^src\//, 'test/').replace(/\.ts$/, '.test.ts');
    t.notOk(existsSync(join(ROOT, own)), `${source} has no test of its own yet (else drop its reason)`);
  }
});

t.test('every test file under a src mirror folder names a src file', async (t) => {
  for (const folder of ['cli', 'config', 'contract', 'daemon', 'imds', 'profiles', 'refresher', 'system']) {
    const dir = join(ROOT, 'test', folder);
    if (!existsSync(dir)) continue;
    for (const test of walk(dir).filter((path) => path.endsWith('.test.ts'))) {
      const source = relative(ROOT, test).replace(/^test\//, 'src/').replace(/\.test\.ts$/, '.ts');
      const extra = EXTRA_TESTS.has(relative(ROOT, test));
      t.ok(sources.includes(source) || extra, `${relative(ROOT, test)} tests ${extra ? 'a behaviour across files' : source}`);
    }
  }
});
