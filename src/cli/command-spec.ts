/**
 * What a command declares about itself, once: its synopsis, its options (type, value name,
 * help), its operands and its exit codes. Parsing (parse-command.ts), `--help` and
 * `imdsd help CMD` (help.ts) and the top-level usage are all derived from it, so the help
 * cannot name a flag the parser refuses or leave out one it takes.
 */
import type { ExitCode } from '../contract/exit-codes.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  /** Repeatable: every value is kept. */
  readonly multiple?: boolean;
  readonly short?: string;
  /** What the value is called in the help (`--role NAME`). */
  readonly value?: string;
  readonly help: string;
}

export interface OptionGroup {
  readonly title: string;
  readonly names: readonly string[];
}

export interface CommandSpec {
  /** The line in `imdsd --help`'s list of commands. */
  readonly summary: string;
  /** What follows `imdsd <command>` in its usage line. */
  readonly synopsis: string;
  readonly about: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Options shown under their own heading, before the rest (`imdsd run`'s sources of a role). */
  readonly groups?: readonly OptionGroup[];
  /** Heading of the options in no group. */
  readonly optionsTitle?: string;
  /** Arguments that are not options; without this, any is refused as a bad flag is (exit 78). */
  readonly operands?: { readonly usage: string; readonly min: number; readonly max: number };
  /** Paragraphs after the options. */
  readonly notes?: string;
  /** Every exit code the command uses, with what it means there. */
  readonly exits: readonly (readonly [ExitCode, string])[];
}

/** Every command takes `-h`/`--help`; the CLI answers it from the table before the command runs. */
export const HELP_OPTION = { help: { type: 'boolean', short: 'h', help: 'print this help' } } as const satisfies Record<string, OptionSpec>;

/** The commands that talk to the running daemon find it through this flag. */
export const CONTROL_SOCKET_OPTION = {
  'control-socket': { type: 'string', value: 'PATH',
    help: "the daemon's control socket (default: $IMDSD_CONTROL_SOCKET, else $XDG_RUNTIME_DIR/imdsd/control.sock, else ~/.imdsd/run/control.sock)" },
} as const satisfies Record<string, OptionSpec>;
