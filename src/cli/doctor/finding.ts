/**
 * What doctor reports: one finding per thing it looked at, each with a stable id that
 * scripts and the check table of docs/doctor.md can refer to, and a one-line fix.
 */

export type Level = 'ok' | 'warning' | 'problem';

export interface Finding {
  /** Stable, kebab-case (`env-static-keys`): the id scripts and docs match on. */
  readonly id: string;
  readonly level: Level;
  readonly title: string;
  readonly detail?: string;
  /** One line a person can act on, usually a command. */
  readonly fix?: string;
}

interface Extra {
  readonly detail?: string | undefined;
  readonly fix?: string | undefined;
}

function finding(id: string, level: Level, title: string, extra: Extra): Finding {
  return {
    id, level, title,
    ...(extra.detail === undefined ? {} : { detail: extra.detail }),
    ...(extra.fix === undefined ? {} : { fix: extra.fix }),
  };
}

export const ok = (id: string, title: string, extra: Extra = {}): Finding => finding(id, 'ok', title, extra);
export const warning = (id: string, title: string, extra: Extra = {}): Finding => finding(id, 'warning', title, extra);
export const problem = (id: string, title: string, extra: Extra = {}): Finding => finding(id, 'problem', title, extra);

/**
 * Runs one check and turns anything it throws into a warning naming what could not be
 * checked, so that one broken check (an unreadable file, a hung socket) never hides the
 * findings of the others.
 */
export async function guarded(id: string, what: string, run: () => Finding[] | Promise<Finding[]>): Promise<Finding[]> {
  try {
    return await run();
  } catch (error) {
    return [warning(id, `could not check ${what}: ${error instanceof Error ? error.message : String(error)}`)];
  }
}

/** Runs checks one after the other (their order is the report's order), each guarded. */
export async function runGuarded(checks: ReadonlyArray<readonly [id: string, what: string, run: () => Finding[] | Promise<Finding[]>]>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [id, what, run] of checks) findings.push(...(await guarded(id, what, run)));
  return findings;
}
