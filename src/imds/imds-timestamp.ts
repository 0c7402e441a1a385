/**
 * IMDS timestamps are UTC to the second with a literal `Z` (`2026-11-21T20:00:00Z`):
 * botocore parses exactly that format and the JS v3 HTTP provider rejects `+00:00`,
 * so the milliseconds that `toISOString` adds must go.
 */
export function toImdsTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
