/**
 * `{{NAME}}` substitution for the service templates. Values arrive already escaped for
 * the target format; substitution is a single pass, so a value that happens to contain
 * `{{LABEL}}` is copied as it is and never expanded again.
 */

/** A placeholder alone on its line with its newline, or a placeholder anywhere. */
const PLACEHOLDER = /^\{\{([A-Z_]+)\}\}\n|\{\{([A-Z_]+)\}\}/gm;

/**
 * Fills every placeholder. A placeholder alone on its line takes a block of lines (empty
 * removes the line, so an empty environment leaves no blank line behind). A placeholder
 * without a value, or a value no placeholder uses, is a bug in the caller: it throws.
 */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  const unused = new Set(Object.keys(values));
  const filled = template.replace(PLACEHOLDER, (_match, line: string | undefined, inline: string | undefined) => {
    const name = String(line ?? inline);
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {{${name}}} has no value`);
    unused.delete(name);
    if (line === undefined) return value;
    return value === '' ? '' : `${value}\n`;
  });
  if (unused.size > 0) throw new Error(`template has no placeholder for ${[...unused].join(', ')}`);
  return filled;
}
