/**
 * The imdsd CLI the service tests drive: this checkout's build by default, or another one
 * (an installed package) named by IMDSD_CLI, so the same tests judge what users install.
 */
import { execFile } from 'node:child_process';
import { CLI } from './daemon-process.js';
import type { Ran } from './systemctl.js';

export const CLI_UNDER_TEST = process.env.IMDSD_CLI ?? CLI;

/** Runs `node CLI …args`; never rejects. */
export function runImdsd(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_UNDER_TEST, ...args], { env, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 127;
      resolve({ code, stdout, stderr });
    });
  });
}
