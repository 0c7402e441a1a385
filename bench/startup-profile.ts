/**
 * A CPU profile of one cold start, from spawn to the "listening" line: which packages
 * the start-up time goes to (module loading counts for the package whose code asked
 * for it), and the AWS SDK v3 family's share.
 */
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { readProfile, summariseProfile, type ProfileSummary } from './cpu-profile.js';
import { isListening, spawnDaemon } from './daemon.js';
import type { Pinning } from './pinning.js';
import { round } from './stats.js';
import type { Workspace } from './workspace.js';

export interface StartupProfile {
  /** Spawn to "listening" in this (profiled, so slower) run, ms. */
  readonly toListeningMs: number;
  readonly profile: ProfileSummary;
  /** Sampled time in @aws-sdk/*, @smithy/*, @aws-crypto/* and their helpers, ms and %. */
  readonly awsSdkMs: number;
  readonly awsSdkPct: number;
}

const SDK_HELPERS = new Set(['fast-xml-parser', 'strnum', 'tslib', 'bowser', '@aws/lambda-invoke-store']);

export function isAwsSdk(owner: string): boolean {
  return owner.startsWith('@aws-sdk/') || owner.startsWith('@smithy/') || owner.startsWith('@aws-crypto/') || SDK_HELPERS.has(owner);
}

export async function profileStartup(stsUrl: string, workspace: Workspace, pinning: Pinning): Promise<StartupProfile> {
  const dir = workspace.folder('startup-prof');
  const t0 = performance.now();
  const daemon = spawnDaemon({
    stsUrl, workspace, pinning, cpus: pinning.all,
    nodeFlags: ['--cpu-prof', '--cpu-prof-interval', '250', '--cpu-prof-dir', dir],
    args: ['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'],
  });
  try {
    await daemon.waitFor(isListening, 20_000);
    const toListeningMs = performance.now() - t0;
    await daemon.stop(10_000);
    const profile = summariseProfile(readProfile(dir), { fromMs: 0, toMs: toListeningMs }, 40);
    const awsSdkMs = profile.byOwner.filter((o) => isAwsSdk(o.owner)).reduce((sum, o) => sum + o.ms, 0);
    return {
      toListeningMs: round(toListeningMs, 1),
      profile: { ...profile, byOwner: profile.byOwner.slice(0, 15), topFunctions: profile.topFunctions.slice(0, 10) },
      awsSdkMs: round(awsSdkMs, 1),
      awsSdkPct: profile.busyMs === 0 ? 0 : round((awsSdkMs / profile.busyMs) * 100, 1),
    };
  } finally {
    await daemon.stop();
  }
}
