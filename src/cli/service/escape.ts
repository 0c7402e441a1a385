/**
 * Escaping for the two definition formats. A role name, a path or an external ID can hold
 * any character, and a service definition that parses differently from what was meant
 * runs the daemon with different arguments, or not at all.
 */
import { ImdsdError } from '../../errors.js';

/** Text for a plist `<string>`; the quotes too, so the same function is safe in attributes. */
export function xmlEscape(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * One ExecStart= argument, following systemd.syntax(7) "Quoting" and systemd.service(5)
 * "Command lines": double-quoted, `\` and `"` backslash-escaped, `%` (a specifier) doubled,
 * `$` (variable expansion, which ExecStart= applies inside quotes too) doubled.
 */
export function systemdArg(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/**
 * One Environment= assignment, quoted as a whole (systemd.exec(5)): `$` has no special
 * meaning there, but specifiers do, and the quoting rules are the same as ExecStart=.
 */
export function systemdEnv(name: string, value: string): string {
  return `"${`${name}=${value}`.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%')}"`;
}

/**
 * Control characters (newline, tab, NUL, ...) have no faithful form in either format:
 * XML 1.0 forbids most of them and systemd rejects them in commands and environment values.
 * No imdsd flag needs one, so a value with one is refused before anything is written.
 */
export function refuseControlCharacters(what: string, value: string): void {
  const found = /[\u0000-\u001f\u007f]/.exec(value);
  if (found === null) return;
  const code = found[0].charCodeAt(0).toString(16).padStart(2, '0');
  throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd install: ${what} contains the control character U+00${code.toUpperCase()}`,
    { hint: 'remove it: a service definition cannot carry control characters' });
}
