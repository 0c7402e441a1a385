/**
 * `systemctl --user` against a test's own user manager (its XDG_RUNTIME_DIR selects the
 * private socket), with the questions the systemd tests ask of it.
 */
import { execFile } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Never rejects: a failure is a non-zero code with systemctl's message. */
export function systemctl(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile('systemctl', ['--user', '--no-pager', ...args], { env, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr: error !== null && stderr === '' ? error.message : stderr });
    });
  });
}

/** One property of a unit (`MainPID`, `NRestarts`, `ActiveState`…). */
export async function unitProperty(env: NodeJS.ProcessEnv, unit: string, name: string): Promise<string> {
  return (await systemctl(env, ['show', `--property=${name}`, '--value', unit])).stdout.trim();
}

/** Polls until `check` holds for a property, or returns its last value after `timeoutMs`. */
export async function waitProperty(env: NodeJS.ProcessEnv, unit: string, name: string, check: (value: string) => boolean,
  timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let value = await unitProperty(env, unit, name);
  while (!check(value) && Date.now() < deadline) {
    await delay(50);
    value = await unitProperty(env, unit, name);
  }
  return value;
}
