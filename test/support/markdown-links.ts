/**
 * Relative links in markdown, and whether they resolve (issue 20): README and docs/ link to
 * each other by file and by heading, and a page moved or a heading reworded must not leave a
 * dead link behind. Anchors follow GitHub's slugs (github-slugger): the heading's text as
 * rendered, lower-cased, every character that is not a letter, mark, number, connector
 * (`_`), space or hyphen dropped, spaces turned into hyphens, and `-1`, `-2` … appended to
 * repeats.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/** A markdown line with code spans removed, as far as links are concerned. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)[^`]*?\1/g, '');
}

/** Line numbers (1-based) paired with the lines that are prose, not code blocks. */
function proseLines(text: string): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  let fence: string | undefined;
  let previousBlankOrCode = true;
  text.split('\n').forEach((line, index) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (marker !== undefined) { fence = marker; return; }
    const indentedCode = /^( {4}|\t)/.test(line) && previousBlankOrCode;
    previousBlankOrCode = line.trim() === '' || indentedCode;
    if (!indentedCode) out.push([index + 1, line]);
  });
  return out;
}

/** Every inline link and reference definition outside code: `[text](target)`, `[x]: target`. */
export function extractLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  for (const [line, raw] of proseLines(text)) {
    const prose = withoutCodeSpans(raw);
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      links.push({ line, target: match[1] ?? '' });
    }
    const definition = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (definition?.[1] !== undefined) links.push({ line, target: definition[1] });
  }
  return links;
}

/** GitHub's anchor for a heading's source text. */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/\*\*|\*/g, '')
    .trim();
  return rendered.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** The anchors a markdown file offers: its ATX headings' slugs, repeats numbered as GitHub does. */
export function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, line] of proseLines(text)) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** True for a link that leaves the repository (a scheme such as https: or mailto:). */
function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/**
 * The broken relative links of one markdown file, as `file:line target (reason)`. `read`
 * gives another file's text, for its anchors; `exists` whether a path is there.
 */
export function brokenLinks(
  file: string,
  text: string,
  root: string,
  io: { exists: (path: string) => boolean; read: (path: string) => string } = { exists: existsSync, read: (path) => readFileSync(path, 'utf8') },
): string[] {
  const broken: string[] = [];
  for (const { line, target } of extractLinks(text)) {
    if (isExternal(target)) continue;
    const [pathPart = '', anchor] = target.split('#', 2);
    const path = pathPart === '' ? file : join(dirname(file), decodeURIComponent(pathPart));
    const where = `${relative(root, file)}:${line} ${target}`;
    if (!io.exists(path)) { broken.push(`${where} (no such file: ${relative(root, path)})`); continue; }
    if (anchor === undefined || anchor === '' || !path.endsWith('.md')) continue;
    const anchors = path === file ? anchorsOf(text) : anchorsOf(io.read(path));
    if (!anchors.has(decodeURIComponent(anchor))) broken.push(`${where} (no heading #${anchor} in ${relative(root, path)})`);
  }
  return broken;
}
