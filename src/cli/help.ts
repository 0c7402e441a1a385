/**
 * `imdsd --help`, `imdsd <command> --help` and `imdsd help <command>`, all rendered from
 * the command table: a flag added to a command's entry is in its help.
 */
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';
import { HELP_OPTION, type CommandSpec, type OptionSpec } from './command-spec.js';
import { COMMANDS, type CommandName } from './command-table.js';

const WIDTH = 88;
const COLUMN = 26;

/**
 * Wraps `text` to WIDTH after `first`, every further line indented to `column`; `first`
 * gets a line of its own when fewer than `gap` spaces would follow it.
 */
function wrap(first: string, text: string, column = COLUMN, gap = 2): string {
  const lines: string[] = [];
  let line = first !== '' && first.length + gap > column ? `${first}\n${' '.repeat(column)}` : first.padEnd(column);
  let fresh = true;
  for (const word of text.split(' ')) {
    const tail = line.slice(line.lastIndexOf('\n') + 1);
    if (!fresh && tail.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = ' '.repeat(column) + word;
    } else line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines.join('\n');
}

function paragraphs(text: string): string {
  return text.split('\n').map((line) => (line.startsWith(' ') ? line : wrap('', line, 0))).join('\n');
}

function describe(name: string, option: OptionSpec): string {
  const flag = `  ${option.short === undefined ? '' : `-${option.short}, `}--${name}${option.value === undefined ? '' : ` ${option.value}`}`;
  return wrap(flag, option.help);
}

function optionSections(spec: CommandSpec): string[] {
  const options: Readonly<Record<string, OptionSpec>> = { ...spec.options, ...HELP_OPTION };
  const grouped = new Set((spec.groups ?? []).flatMap((group) => group.names));
  const section = (title: string, names: readonly string[]): string[] =>
    ['', `${title}:`, ...names.flatMap((name) => { const option = options[name]; return option === undefined ? [] : [describe(name, option)]; })];
  return [
    ...(spec.groups ?? []).flatMap((group) => section(group.title, group.names)),
    ...section(spec.optionsTitle ?? 'Options', Object.keys(options).filter((name) => !grouped.has(name))),
  ];
}

/** One command's help: usage line, what it does, every option it takes, its exit codes. */
export function renderCommandHelp(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command];
  const exits = spec.exits.map(([code, meaning]) => `${code} ${meaning}`).join(', ');
  return [
    wrap(`Usage: imdsd ${command}`, spec.synopsis, `Usage: imdsd ${command} `.length, 1).trimEnd(),
    '',
    paragraphs(spec.about),
    ...optionSections(spec),
    ...(spec.notes === undefined ? [] : ['', paragraphs(spec.notes)]),
    '',
    wrap('', `Exit codes: ${exits}.`, 0),
    '',
  ].join('\n');
}

/** `imdsd --help`: every command in the table with its one line. */
export function renderUsage(): string {
  const names = Object.keys(COMMANDS) as CommandName[];
  const label = (name: CommandName): string => {
    const spec: CommandSpec = COMMANDS[name];
    return spec.operands !== undefined && spec.operands.min > 0 ? `${name} ${spec.operands.usage}` : name;
  };
  return [
    'Usage: imdsd <command> [options]',
    '',
    'Keeps AWS assumed-role credentials fresh and serves them as a local EC2 instance',
    'metadata service, for every AWS SDK and the AWS CLI.',
    '',
    'Commands:',
    ...names.map((name) => `  ${label(name).padEnd(21)}${COMMANDS[name].summary}`),
    '',
    'Then, in the shell that runs AWS tools:',
    `  export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://localhost:${DEFAULT_IMDS_PORT}/`,
    '',
  ].join('\n');
}
