/**
 * Where the daemon's CPU goes under load: a separate daemon run with `--cpu-prof`
 * (outside the timed rounds, since profiling slows it), loaded, stopped with SIGTERM
 * (node writes the profile on exit), and summarised.
 */
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { summariseProfile, readProfile, type ProfileSummary } from './cpu-profile.js';
import { startDaemon } from './daemon.js';
import { getToken } from './imds-client.js';
import type { LoadResult } from './load.js';
import type { Pinning } from './pinning.js';
import type { Workspace } from './workspace.js';

export interface LoadProfile {
  readonly load: LoadResult;
  readonly profile: ProfileSummary;
}

export async function profileUnderLoad(
  stsUrl: string,
  workspace: Workspace,
  pinning: Pinning,
  load: (port: number, token: string, pid: number) => Promise<LoadResult>,
): Promise<LoadProfile> {
  const dir = workspace.folder('cpu-prof');
  const spawnedAtMs = Date.now();
  const daemon = await startDaemon({
    stsUrl, workspace, pinning, roleArn: DEFAULT_ROLE_ARN, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir],
  });
  try {
    const token = await getToken(daemon.port);
    const fromMs = Date.now() - spawnedAtMs;
    const result = await load(daemon.port, token, daemon.pid);
    const toMs = Date.now() - spawnedAtMs;
    await daemon.stop(10_000);
    // The profile starts a few ms after the spawn (node's own boot): the window is that much late, no more.
    return { load: result, profile: summariseProfile(readProfile(dir), { fromMs, toMs }, 20) };
  } finally {
    await daemon.stop();
  }
}
