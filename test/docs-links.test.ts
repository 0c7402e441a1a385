/**
 * Issue 20: README is the start page and docs/ holds the reference, linked both ways by
 * file and by heading. Every relative link in README.md, docs/*.md and bench/*.md must
 * reach a file that exists, and every #anchor into a markdown file one of its headings
 * (GitHub's slugs), so moving a page or rewording a heading cannot leave a dead link.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { anchorsOf, brokenLinks, extractLinks, slug } from './support/markdown-links.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function markdownIn(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).filter((name) => name.endsWith('.md')).map((name) => join(ROOT, dir, name));
}

const PAGES = [join(ROOT, 'README.md'), ...markdownIn('docs'), ...markdownIn('bench')];

t.test('every relative link in README, docs and bench resolves', async (t) => {
  t.ok(PAGES.length >= 10, `the pages are found (${PAGES.length})`);
  let links = 0;
  for (const page of PAGES) {
    const text = readFileSync(page, 'utf8');
    links += extractLinks(text).length;
    const broken = brokenLinks(page, text, ROOT);
    t.same(broken, [], `${page.slice(ROOT.length)}: no broken link${broken.length > 0 ? `: ${broken.join('; ')}` : ''}`);
  }
  t.ok(links > 30, `the links are found (${links})`);
});

t.test('README links to every docs page', async (t) => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const targets = new Set(extractLinks(readme).map((link) => link.target.split('#')[0]));
  for (const page of markdownIn('docs')) {
    const name = `docs/${page.split('/').pop() ?? ''}`;
    t.ok(targets.has(name), `README links to ${name}`);
  }
});

t.test('GitHub slugs of headings', async (t) => {
  const cases: Array<[string, string, string]> = [
    ['Troubleshooting: `imdsd doctor`', 'troubleshooting-imdsd-doctor', 'code and colon'],
    ['No configuration at all: 169.254.169.254 itself', 'no-configuration-at-all-169254169254-itself', 'dots dropped'],
    ['Identifying a local peer (Linux)', 'identifying-a-local-peer-linux', 'parentheses dropped'],
    ['The [map](x.md) of `src_dir` → **here**', 'the-map-of-src_dir--here', 'link text, underscore kept, arrow dropped, spaces kept as hyphens'],
  ];
  for (const [heading, expected, why] of cases) t.equal(slug(heading), expected, `${heading}: ${why}`);
  t.same([...anchorsOf('# A\n\n## Notes\n\n## Notes\n\n```\n# not a heading\n```\n')], ['a', 'notes', 'notes-1'], 'repeats numbered, code fences skipped');
});

t.test('a broken link or anchor is reported; code and external links are not links', async (t) => {
  const files: Record<string, string> = {
    '/r/docs/a.md': '# Page A\n\n## Known heading\n',
    '/r/docs/b.md': '',
  };
  const io = { exists: (path: string) => path in files, read: (path: string) => files[path] ?? '' };
  const sample = [
    '# Sample',
    '',
    'Good: [a](a.md), [heading](a.md#known-heading), [self](#sample), [web](https://example.com/x.md).',
    'Bad: [gone](missing.md) and [anchor](a.md#unknown-heading) and [case](a.md#Known-heading).',
    '',
    '[def]: ../docs/b.md#nowhere',
    '',
    '`[code](missing-in-code.md)` is not a link.',
    '',
    '```',
    '[fenced](missing-in-fence.md)',
    '```',
    '',
    '    [indented](missing-in-indented-code.md)',
  ].join('\n');
  t.same(extractLinks(sample).map((link) => link.target), ['a.md', 'a.md#known-heading', '#sample', 'https://example.com/x.md', 'missing.md', 'a.md#unknown-heading', 'a.md#Known-heading', '../docs/b.md#nowhere'], 'links outside code only');
  t.same(brokenLinks('/r/docs/b.md', sample, '/r', io), [
    'docs/b.md:4 missing.md (no such file: docs/missing.md)',
    'docs/b.md:4 a.md#unknown-heading (no heading #unknown-heading in docs/a.md)',
    'docs/b.md:4 a.md#Known-heading (no heading #Known-heading in docs/a.md)',
    'docs/b.md:6 ../docs/b.md#nowhere (no heading #nowhere in docs/b.md)',
  ], 'each broken link named with its line and reason');
});

/** Paths of the repository named in prose (`src/daemon/run.ts`, `test/support/`), as the pages cite code. */
function namedPaths(text: string): string[] {
  return [...text.matchAll(/`((?:src|test|bench|docs|scripts|native|systemd|launchd)\/[A-Za-z0-9_./{},-]*)`/g)]
    .map((m) => m[1] ?? '')
    .filter((path) => !/[{}*]/.test(path) && !path.includes('<'));
}

/** Written by a run, never committed (.gitignore). */
const GENERATED = new Set(['bench/results.json']);

t.test('every src/, test/ or bench/ path a page names in backticks exists', async (t) => {
  t.same(namedPaths('see `src/a.ts`, `test/b/`, `src/{x,y}.ts` and `foo/c.ts`'), ['src/a.ts', 'test/b/'], 'the extractor: brace sets and other roots are skipped');
  let named = 0;
  for (const page of PAGES) {
    const paths = namedPaths(readFileSync(page, 'utf8'));
    named += paths.length;
    const missing = paths.filter((path) => !GENERATED.has(path) && !existsSync(join(ROOT, path)) && !existsSync(join(ROOT, `${path}.ts`)));
    t.same(missing, [], `${page.slice(ROOT.length)}: every named path exists${missing.length > 0 ? `: ${missing.join(', ')}` : ''}`);
  }
  t.ok(named > 20, `the paths are found (${named})`);
});
