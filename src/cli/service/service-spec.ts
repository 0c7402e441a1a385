/**
 * What a service definition says, independent of its format: the command line, the
 * environment and where things live. Built once and checked once, then rendered as a
 * launchd plist or a systemd unit.
 */
import { refuseControlCharacters } from './escape.js';
import type { Platform, Scope } from './locations.js';

export interface ServiceSpec {
  readonly platform: Platform;
  readonly scope: Scope;
  /** Absolute node binary, absolute CLI, `run`, then the run flags. */
  readonly program: readonly string[];
  /** Variables set for the daemon, in a stable order. */
  readonly env: ReadonlyArray<readonly [string, string]>;
  readonly home: string;
  /** Where launchd writes stdout and stderr (macOS). */
  readonly logDir: string;
  /** The account a system unit runs as (Linux `--system`). */
  readonly user: string | undefined;
}

/** Names an argument for an error message the way the user typed it. */
function argumentName(program: readonly string[], i: number): string {
  const previous = program[i - 1];
  if (previous?.startsWith('--') === true) return previous;
  return i === 0 ? 'the node path' : i === 1 ? 'the imdsd CLI path' : `argument ${i} of the service command`;
}

/** Refuses what neither format can carry, so both renderers can trust the spec. */
export function checkSpec(spec: ServiceSpec): ServiceSpec {
  spec.program.forEach((arg, i) => refuseControlCharacters(argumentName(spec.program, i), arg));
  for (const [name, value] of spec.env) refuseControlCharacters(`the environment variable ${name}`, value);
  refuseControlCharacters('the home directory', spec.home);
  return spec;
}
