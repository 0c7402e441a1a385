/**
 * Finds secrets in log output. A secret may hide in a JSON-escaped string, in a
 * percent-encoded URL, or in a Buffer that pino serialised as {"type":"Buffer","data":[...]}
 * (Node attaches the raw request bytes to parse errors as `rawPacket`), so each line is
 * searched as text and as the strings and decoded buffers inside its JSON.
 */

export interface Leak {
  /** Index of the line in the output. */
  readonly line: number;
  /** Which secret, masked: its first four characters and its length. */
  readonly secret: string;
  /** The line, cut short, with the secret replaced. */
  readonly excerpt: string;
}

/** Shorter strings would match by chance; every real secret is far longer. */
const MIN_SECRET_LENGTH = 8;

export function mask(secret: string): string {
  return `${secret.slice(0, 4)}…(${secret.length} chars)`;
}

function isBufferJson(value: unknown): value is { type: 'Buffer'; data: number[] } {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'Buffer' &&
    Array.isArray((value as { data?: unknown }).data);
}

/** Every string inside a parsed JSON value, buffers decoded. */
function stringsIn(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (isBufferJson(value)) into.push(Buffer.from(value.data).toString('latin1'));
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, into);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      stringsIn(item, into);
    }
  }
}

function haystacks(line: string): string[] {
  const found = [line];
  try {
    stringsIn(JSON.parse(line) as unknown, found);
  } catch {
    // Not JSON: the raw text is all there is.
  }
  return found;
}

function needlesOf(secrets: readonly string[]): Array<[string, string]> {
  const unique = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
  return unique.flatMap((secret): Array<[string, string]> => {
    const encoded = encodeURIComponent(secret);
    return encoded === secret ? [[secret, secret]] : [[secret, secret], [secret, encoded]];
  });
}

/** Every (line, secret) pair where the secret appears in the line. */
export function findLeaks(lines: readonly string[], secrets: readonly string[]): Leak[] {
  const needles = needlesOf(secrets);
  const leaks: Leak[] = [];
  lines.forEach((line, index) => {
    const texts = haystacks(line);
    const seen = new Set<string>();
    for (const [secret, needle] of needles) {
      if (seen.has(secret) || !texts.some((text) => text.includes(needle))) continue;
      seen.add(secret);
      const escaped = JSON.stringify(needle).slice(1, -1);
      const excerpt = line.split(needle).join('[SECRET]').split(escaped).join('[SECRET]').slice(0, 300);
      leaks.push({ line: index, secret: mask(secret), excerpt });
    }
  });
  return leaks;
}

/** One line per leak, for a failure message that names no secret. */
export function describeLeaks(leaks: readonly Leak[]): string {
  return leaks.slice(0, 10).map((leak) => `line ${leak.line}: ${leak.secret} in ${leak.excerpt}`).join('\n');
}
