/**
 * Doctor's findings for people (a mark, a word and the id in columns, the fix under
 * each) and for scripts (`--json`: the findings and the counts).
 */
import type { Finding, Level } from './finding.js';

const MARK: Readonly<Record<Level, string>> = { ok: '✔ ok  ', warning: '! warn', problem: '✘ FAIL' };

export interface DoctorReport {
  readonly findings: readonly Finding[];
  readonly problems: number;
  readonly warnings: number;
}

export function summarise(findings: readonly Finding[]): DoctorReport {
  return {
    findings,
    problems: findings.filter((finding) => finding.level === 'problem').length,
    warnings: findings.filter((finding) => finding.level === 'warning').length,
  };
}

export function formatJson(findings: readonly Finding[]): string {
  return `${JSON.stringify(summarise(findings), null, 2)}\n`;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatHuman(findings: readonly Finding[]): string {
  const idWidth = Math.max(0, ...findings.map((finding) => finding.id.length));
  const indent = ' '.repeat(MARK.ok.length + 2 + idWidth + 2);
  const lines: string[] = [];
  for (const finding of findings) {
    lines.push(`${MARK[finding.level]}  ${finding.id.padEnd(idWidth)}  ${finding.title}`);
    if (finding.detail !== undefined) lines.push(`${indent}${finding.detail}`);
    if (finding.fix !== undefined) lines.push(`${indent}fix: ${finding.fix}`);
  }
  const { problems, warnings } = summarise(findings);
  const verdict = problems === 0
    ? `no problems${warnings === 0 ? '' : `, ${plural(warnings, 'warning')}`}`
    : `${plural(problems, 'problem')}, ${plural(warnings, 'warning')}: fix the FAIL lines, then run imdsd doctor again`;
  return `${lines.join('\n')}\n\n${verdict}\n`;
}
