/**
 * The one parser of every command's arguments, driven by the command table: node's
 * strict parseArgs over the options the command declares (plus `--help`), and its
 * operands counted against the table. Anything it refuses is IMDSD_ERR_CONFIG (exit 78),
 * one line naming the command and pointing at its help.
 */
import { parseArgs } from 'node:util';
import { ImdsdError } from '../errors.js';
import { HELP_OPTION, type CommandSpec, type OptionSpec } from './command-spec.js';
import { COMMANDS, type CommandName } from './command-table.js';

type ValueOf<O extends OptionSpec> = O extends { readonly multiple: true }
  ? (O['type'] extends 'string' ? string[] : boolean[])
  : (O['type'] extends 'string' ? string : boolean);

/** What parseArgs returns for a table of options: each one absent, or its value(s). */
export type OptionValues<T> = { -readonly [K in keyof T]?: T[K] extends OptionSpec ? ValueOf<T[K]> : never };

export interface ParsedCommand<K extends CommandName> {
  readonly values: OptionValues<(typeof COMMANDS)[K]['options'] & typeof HELP_OPTION>;
  readonly positionals: string[];
}

function configError(command: string, message: string, cause?: unknown): ImdsdError {
  return new ImdsdError('IMDSD_ERR_CONFIG', `imdsd ${command}: ${message}`, { hint: `see \`imdsd ${command} --help\``, cause });
}

/** The command's flags and operands, as its table entry declares them. */
export function parseCommand<K extends CommandName>(command: K, argv: string[]): ParsedCommand<K> {
  const spec: CommandSpec = COMMANDS[command];
  let parsed: { values: object; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: { ...spec.options, ...HELP_OPTION }, allowPositionals: true, strict: true });
  } catch (cause) {
    throw configError(command, (cause as Error).message, cause);
  }
  const { min, max } = spec.operands ?? { min: 0, max: 0 };
  const { positionals } = parsed;
  if (positionals.length > max) throw configError(command, `unexpected argument ${positionals[max] ?? ''}`);
  if (positionals.length < min) throw configError(command, `${spec.operands?.usage ?? 'an argument'} is missing`);
  // parseArgs built `values` from exactly these options, in the shape OptionValues describes.
  return { values: parsed.values as ParsedCommand<K>['values'], positionals };
}

/** True when argv asks for help (before a `--` that ends the options). */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  return options.includes('--help') || options.includes('-h');
}
