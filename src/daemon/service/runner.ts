/**
 * Runs the service-manager commands in order and stops at the first one that fails for
 * real, or only shows them for --dry-run. What a person sees is a command they could
 * paste into a shell.
 */
import type { Command } from './service-commands.js';
import type { ServiceIo } from './service-io.js';

/** Quotes a word for a POSIX shell when it needs it, for display only. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(command: Command): string {
  return [command.cmd, ...command.args].map(shellWord).join(' ');
}

/** The lines --dry-run prints for commands. */
export function describeCommands(commands: readonly Command[]): string {
  return commands.map((command) => `would run: ${commandLine(command)}${command.mayFail === undefined ? '' : ` (a failure is ignored: ${command.mayFail})`}\n`).join('');
}

export interface CommandFailure {
  readonly command: Command;
  readonly code: number;
  /** The command's own explanation, first line of stderr (or stdout). */
  readonly reason: string;
}

/** Runs each command; the first failure that matters is returned and the rest are not run. */
export async function runCommands(io: ServiceIo, commands: readonly Command[]): Promise<CommandFailure | undefined> {
  for (const command of commands) {
    const result = await io.run(command.cmd, command.args);
    if (result.code === 0 || command.mayFail !== undefined) continue;
    const text = result.stderr.trim() !== '' ? result.stderr : result.stdout;
    const reason = text.trim().replace(/\s*\n[\s\S]*$/, '');
    return { command, code: result.code, reason };
  }
  return undefined;
}

/** One line: which command, its exit status and its reason. */
export function failureMessage(failure: CommandFailure): string {
  const reason = failure.reason === '' ? '' : `: ${failure.reason}`;
  return `\`${commandLine(failure.command)}\` failed (exit ${failure.code})${reason}`;
}
