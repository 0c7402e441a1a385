/**
 * What a test does when a real tool it needs (a client of another language, a service
 * manager) is not on this machine. On a developer's machine `npm test` must pass without
 * Debian's clients: the test is skipped with a line naming the tool and the command that
 * installs it, and tap's summary counts it as skipped. CI sets IMDSD_REQUIRE_CLIENTS=1, and
 * then a missing tool fails the run, so the whole matrix is still proven there.
 */

/** True when a missing tool must fail the run (CI). */
export function toolsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.IMDSD_REQUIRE_CLIENTS;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** The part of a tap test this needs; `skip` records a skipped test, counted by tap. */
export interface Reporter {
  fail(message: string): unknown;
  skip(name: string, cb: () => void): unknown;
}

/**
 * Reports a tool that cannot be used: a failure under IMDSD_REQUIRE_CLIENTS, otherwise a
 * skip. `problem` names the tool and what installs it.
 */
export function reportMissingTool(t: Reporter, problem: string, env: NodeJS.ProcessEnv = process.env): void {
  if (toolsRequired(env)) t.fail(`${problem} (required: IMDSD_REQUIRE_CLIENTS is set)`);
  else t.skip(`skipped: ${problem}`, () => {});
}
