/**
 * A CommandContext for running a command in process: the environment and home given, a
 * fixed time, stdout and stderr kept for the test to read, and no interruption.
 */
import type { CommandContext } from '../../src/cli/commands/context.js';

export interface RecordingContext extends CommandContext {
  readonly output: () => string;
  readonly errors: () => string;
}

export function recordingContext(env: NodeJS.ProcessEnv, home = '/home/dev', now = 0): RecordingContext {
  let out = '';
  let err = '';
  return {
    env, home, now: () => now,
    out: (text) => { out += text; },
    err: (text) => { err += text; },
    interrupted: new Promise(() => {}),
    output: () => out,
    errors: () => err,
  };
}
