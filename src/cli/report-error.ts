/**
 * The one way an error reaches the person who ran a command: one line on stderr,
 * `imdsd: <message> (fix: <hint>)`, never a stack trace, and the exit code the contract
 * table gives its code.
 */
import { isImdsdError } from '../errors.js';
import { EXIT, exitCodeOf, type ExitCode } from '../contract/exit-codes.js';

export function errorLine(message: string, hint?: string): string {
  return `imdsd: ${message}${hint === undefined ? '' : ` (fix: ${hint})`}\n`;
}

/** Prints `error` and returns its exit code; an error without a code is a bug, exit 1. */
export function reportError(write: (text: string) => void, error: unknown): ExitCode {
  if (isImdsdError(error)) {
    write(errorLine(error.message, error.hint));
    return exitCodeOf(error.code);
  }
  write(errorLine(`unexpected error: ${error instanceof Error ? error.message : String(error)}`));
  return EXIT.FAILURE;
}
