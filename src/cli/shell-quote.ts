/**
 * Quoting a value so that a shell reads it back unchanged: for `imdsd env`'s exports and
 * for the commands `imdsd install --dry-run` shows. Single quotes everywhere, since they
 * turn off every expansion; only the way to write a quote inside them differs per shell.
 */

export const SHELLS = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type Shell = (typeof SHELLS)[number];

/** `value` in single quotes for `shell`, with embedded quotes (and, for fish, backslashes) escaped. */
export function quoteFor(shell: Shell, value: string): string {
  if (shell === 'powershell') return `'${value.replace(/'/g, "''")}'`;
  if (shell === 'fish') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** A word for a POSIX shell: bare when nothing in it is special, quoted otherwise. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : quoteFor('bash', word);
}
