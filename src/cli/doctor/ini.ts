/**
 * A small reader for the AWS shared config and credentials files: sections, then
 * `key = value` lines. Indented lines (a nested `s3 =` block, a continued value) never
 * set a top-level key, so they are skipped; keys are lower-cased as botocore's parser does.
 */

export type IniSections = ReadonlyMap<string, Readonly<Record<string, string>>>;

const SECTION = /^\[\s*([^\]]*?)\s*\]/;

export function parseIni(text: string): IniSections {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s/.test(line)) continue;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue;
    const header = SECTION.exec(trimmed)?.[1];
    if (header !== undefined) {
      const name = header.replace(/\s+/g, ' ');
      current = sections.get(name) ?? {};
      sections.set(name, current);
      continue;
    }
    const eq = trimmed.indexOf('=');
    if (current === undefined || eq <= 0) continue;
    current[trimmed.slice(0, eq).trim().toLowerCase()] = trimmed.slice(eq + 1).trim();
  }
  return sections;
}
