/**
 * Guards src/cli/service (house style, "Dependencies point one way"): it builds on the
 * shared config and run flags and on the shared leaves, never on the refresher or IMDS;
 * every source file has its own test so that coverage sees all of it; and nothing but
 * service-io.ts touches the file system or child processes, so tests can fake all of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';

const SRC = new URL('../../../src/cli/service/', import.meta.url);
const TESTS = new URL('./', import.meta.url);
const sources = readdirSync(SRC).filter((file) => file.endsWith('.ts'));
const ALLOWED_OUTSIDE = new Set(['../../errors.js', '../../config/config.js', '../../contract/exit-codes.js', '../../contract/link-local.js', '../../config/run-args.js', '../../config/run-options.js', '../shell-quote.js',
  // The command table's shape, its one parser and its one error line (issue 20).
  '../command-spec.js', '../parse-command.js', '../report-error.js']);
/** Reading the package's own templates is not touching the machine. */
const IO_MODULES = new Set(['service-io.ts', 'package-paths.ts']);

function importsOf(code: string): string[] {
  return [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

t.test('src/cli/service imports only itself, the shared config and flags, exit codes, errors and node:', async (t) => {
  t.ok(sources.length > 0, 'there are sources to check');
  for (const file of sources) {
    for (const specifier of importsOf(readFileSync(new URL(file, SRC), 'utf8'))) {
      const allowed = specifier.startsWith('node:') || ALLOWED_OUTSIDE.has(specifier) || /^\.\/[a-z0-9-]+\.js$/.test(specifier);
      t.ok(allowed, `${file} may import ${specifier}`);
      if (specifier === 'node:fs' || specifier === 'node:fs/promises' || specifier === 'node:child_process') {
        t.ok(IO_MODULES.has(file), `${file} leaves ${specifier} to service-io.ts`);
      }
    }
  }
});

t.test('every source file has a test of its own', async (t) => {
  const tests = new Set(readdirSync(TESTS));
  for (const file of sources) t.ok(tests.has(file.replace(/\.ts$/, '.test.ts')), `${file} has ${file.replace(/\.ts$/, '.test.ts')}`);
});
