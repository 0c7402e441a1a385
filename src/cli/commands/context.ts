/**
 * What a command may touch, passed in by the CLI: output streams, environment, home,
 * time. Commands return their exit code and never exit the process themselves.
 */
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ImdsdError, isImdsdError } from '../../errors.js';
import type { RefreshOutcome } from '../../contract/control-api.js';
import { LINK_LOCAL_CONTROL_SOCKET } from '../../contract/link-local.js';
import { controlSocketPath } from '../../contract/paths.js';

export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly now: () => number;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Resolves when the user interrupts (SIGINT), for --watch. */
  readonly interrupted: Promise<void>;
}

/** Exit codes of the client commands, beside the daemon's (0, 1, 69, 78). */
export const CLIENT_EXIT = { OK: 0, PROBLEM: 1, NOT_RUNNING: 3 } as const;

export const CONTROL_SOCKET_OPTION = { 'control-socket': { type: 'string' } } as const;

/** parseArgs with strict checking; a bad flag is a configuration error naming the command. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(command: string, argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (cause) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd ${command}: ${(cause as Error).message}`,
      { hint: `see \`imdsd ${command} --help\``, cause });
  }
}

/**
 * The control socket to talk to. Link-local mode's daemon on Linux is a system service
 * with its socket in /run/imdsd-link-local (issue 14): it is used when nothing names a
 * socket and the user's own does not exist.
 */
export function socketFor(ctx: CommandContext, explicit: string | undefined, exists: (path: string) => boolean = existsSync): string {
  const path = controlSocketPath(ctx.env, ctx.home, explicit);
  const named = (explicit !== undefined && explicit !== '') || Boolean(ctx.env.IMDSD_CONTROL_SOCKET);
  return !named && !exists(path) && exists(LINK_LOCAL_CONTROL_SOCKET) ? LINK_LOCAL_CONTROL_SOCKET : path;
}

/** Prints a failure the way every command does and picks its exit code. */
export function reportFailure(ctx: CommandContext, error: unknown): number {
  const hint = isImdsdError(error) && error.hint !== undefined ? ` (fix: ${error.hint})` : '';
  ctx.err(`imdsd: ${error instanceof Error ? error.message : String(error)}${hint}\n`);
  return isImdsdError(error) && error.code === 'IMDSD_ERR_DAEMON_NOT_RUNNING' ? CLIENT_EXIT.NOT_RUNNING : CLIENT_EXIT.PROBLEM;
}

/** The line a person reads for one refresh outcome. */
export function describeRefresh(result: RefreshOutcome): string {
  return result.ok
    ? `${result.roleName}: refreshed, expires ${result.expiresAt}\n`
    : `${result.roleName}: refresh failed: ${result.code}: ${result.message}${result.hint === undefined ? '' : ` (fix: ${result.hint})`}\n`;
}

/** A control reply that fails its contract guard: a daemon of another version, most likely. */
export function unreadableReply(command: string): ImdsdError {
  return new ImdsdError('IMDSD_ERR_INTERNAL', `imdsd ${command}: the daemon answered a reply this version cannot read`,
    { hint: 'restart the daemon so that it runs the same version as this command' });
}

/** Prints a control reply's error document with its code and fix. */
export function reportReplyError(ctx: CommandContext, error: { code: string; message: string; hint?: string }): number {
  ctx.err(`imdsd: ${error.code}: ${error.message}${error.hint === undefined ? '' : ` (fix: ${error.hint})`}\n`);
  return CLIENT_EXIT.PROBLEM;
}
