/**
 * What a command may touch, passed in by the CLI: output streams, environment, home,
 * time. Commands return their exit code, throw coded errors (main.ts prints them) and
 * never exit the process themselves.
 */
import { existsSync } from 'node:fs';
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

/** The line a person reads for one refresh outcome. */
export function describeRefresh(result: RefreshOutcome): string {
  return result.ok
    ? `${result.roleName}: refreshed, expires ${result.expiresAt}\n`
    : `${result.roleName}: refresh failed: ${result.code}: ${result.message}${result.hint === undefined ? '' : ` (fix: ${result.hint})`}\n`;
}
