/**
 * Runs the service-manager commands in order and stops at the first one that fails for
 * real, or only shows them for --dry-run. What a person sees is a command they could
 * paste into a shell.
 */
import { shellWord } from '../shell-quote.js';
import type { Command } from './service-commands.js';
import type { RunResult, ServiceIo } from './service-io.js';


export function commandLine(command: Command): string {
  return [command.cmd, ...command.args].map(shellWord).join(' ');
}

function note(command: Command): string {
  if (command.mayFail !== undefined) return ` (a failure is ignored: ${command.mayFail})`;
  if (command.retry !== undefined) {
    const { codes, attempts, delayMs } = command.retry;
    return ` (retried on exit ${codes.join(' or ')}, up to ${attempts} times ${delayMs / 1000} s apart)`;
  }
  return '';
}

/** The lines --dry-run prints for commands. */
export function describeCommands(commands: readonly Command[]): string {
  return commands.map((command) => `would run: ${commandLine(command)}${note(command)}\n`).join('');
}

export interface CommandFailure {
  readonly command: Command;
  readonly code: number;
  /** The command's own explanation, first line of stderr (or stdout). */
  readonly reason: string;
}

/** Runs one command, again after a pause while it fails with a code its retry names. */
async function runWithRetry(io: ServiceIo, command: Command): Promise<RunResult> {
  let result = await io.run(command.cmd, command.args);
  for (let attempt = 1; command.retry !== undefined && attempt < command.retry.attempts; attempt += 1) {
    if (!command.retry.codes.includes(result.code)) break;
    await io.sleep(command.retry.delayMs);
    result = await io.run(command.cmd, command.args);
  }
  return result;
}

/** Runs each command; the first failure that matters is returned and the rest are not run. */
export async function runCommands(io: ServiceIo, commands: readonly Command[]): Promise<CommandFailure | undefined> {
  for (const command of commands) {
    const result = await runWithRetry(io, command);
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
