/**
 * Log lines a person can read, for `imdsd run` in a terminal: the time, the level, the
 * role and the message, then the remaining fields as key=value. Under a service manager
 * stdout is not a terminal and the daemon writes pino's JSON lines, which journald and
 * launchd keep. The lines arrive here already serialized and redacted by pino, so this
 * only re-arranges what is safe to print.
 */
import type { DestinationStream } from 'pino';

/** Fields shown in the line's fixed columns, or not worth a terminal's width. */
const FIXED = new Set(['time', 'level', 'msg', 'role', 'pid', 'hostname', 'event']);

const LEVEL_COLOUR: Record<string, string> = {
  fatal: '\x1b[35m', error: '\x1b[31m', warn: '\x1b[33m', info: '\x1b[32m', debug: '\x1b[36m', trace: '\x1b[90m',
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

function clock(time: unknown): string {
  if (typeof time !== 'string') return '--:--:--';
  const at = new Date(time);
  if (Number.isNaN(at.getTime())) return time;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

function fieldValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** One JSON log line as one readable line (without the newline); a non-JSON line as it is. */
export function formatLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return json.trimEnd();
    entry = parsed as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = typeof entry.level === 'string' ? entry.level : 'info';
  const label = level.toUpperCase().padEnd(5);
  const shownLevel = colour ? `${LEVEL_COLOUR[level] ?? ''}${label}${RESET}` : label;
  const role = typeof entry.role === 'string' ? `${entry.role} ` : '';
  const msg = typeof entry.msg === 'string' ? entry.msg : '';
  const rest = Object.entries(entry)
    .filter(([key]) => !FIXED.has(key))
    .map(([key, value]) => `${key}=${fieldValue(value)}`)
    .join(' ');
  const extra = rest === '' ? '' : colour ? ` ${DIM}${rest}${RESET}` : ` ${rest}`;
  return `${clock(entry.time)} ${shownLevel} ${role}${msg}${extra}`;
}

/** A pino destination that writes readable lines to `out` (a terminal). */
export function prettyDestination(out: { write(text: string): unknown }, colour = true): DestinationStream {
  return {
    write(chunk: string): void {
      for (const line of chunk.split('\n')) if (line !== '') out.write(`${formatLine(line, colour)}\n`);
    },
  };
}
