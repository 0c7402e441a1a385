/**
 * Guards the module boundary of src/imds (house style, "Dependencies point one way"):
 * it serves a CredentialSource and never reaches for STS, the refresher or the process,
 * and every source file has its own test so that coverage sees all of it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';

const SRC = new URL('../../src/imds/', import.meta.url);
const TESTS = new URL('./', import.meta.url);
const sources = readdirSync(SRC).filter((file) => file.endsWith('.ts'));
/** The shared leaves src/imds may use, and nothing else outside itself. */
const ALLOWED_OUTSIDE = new Set(['../errors.js', '../clock.js', '../credentials.js', '../loopback.js', '../contract/control-api.js']);

function importsOf(code: string): string[] {
  return [...code.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2] ?? '');
}

t.test('src/imds imports only itself, the shared leaves and node: (no framework: issue 20)', async (t) => {
  t.ok(sources.length > 0, 'there are sources to check');
  for (const file of sources) {
    for (const specifier of importsOf(readFileSync(new URL(file, SRC), 'utf8'))) {
      const allowed =
        specifier.startsWith('node:') ||
        ALLOWED_OUTSIDE.has(specifier) ||
        /^\.\/[a-z0-9-]+\.js$/.test(specifier);
      t.ok(allowed, `${file} may import ${specifier}`);
    }
  }
});

t.test('src/imds does not touch the process beyond reading its architecture', async (t) => {
  for (const file of sources) {
    const code = readFileSync(new URL(file, SRC), 'utf8');
    t.notMatch(code, /process\.(env|exit|argv|on|once|kill|stdout|stderr)\b/, `${file} leaves the process to src/daemon`);
    t.notMatch(code, /\.listen\(/, `${file} does not listen`);
  }
});

t.test('every src/imds file has a test file of the same name', async (t) => {
  for (const file of sources) {
    const test = file.replace(/\.ts$/, '.test.ts');
    t.ok(readdirSync(TESTS).includes(test), `${file} is tested by test/imds/${test}`);
  }
});
