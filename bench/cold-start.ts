/**
 * Cold start: from spawning `imdsd run` to its "listening" log line, and (in alternate
 * rounds, since probing costs the daemon CPU) to the IMDS port answering a token PUT and a
 * credential GET. The daemon is not pinned here: a user's machine gives it every CPU.
 * The phases come from the daemon's own log timestamps (ms), taken against the spawn time.
 */
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import type { LogLine, ServerChild } from './child.js';
import { isListening, spawnDaemon } from './daemon.js';
import { freePort } from '../test/support/free-port.js';
import { getCredential } from './imds-client.js';
import type { Pinning } from './pinning.js';
import { median, round } from './stats.js';
import type { Workspace } from './workspace.js';

export interface ColdStartPhases {
  /** Spawn → "starting" log line: node's boot and the whole module graph's import. */
  readonly bootAndImportMs: number;
  /** "starting" → "control": config, role resolution, control socket. */
  readonly configAndControlMs: number;
  /** "control" → "ready": the first AssumeRole round trip (with the SDK's lazy loading). */
  readonly firstFetchMs: number;
  /** "ready" → "listening": opening 127.0.0.1 and ::1. */
  readonly listenMs: number;
}

export interface ColdStart {
  readonly rounds: number;
  /** Medians, ms. */
  readonly toListeningMs: number;
  readonly toCredentialMs: number;
  readonly phases: ColdStartPhases;
  readonly samples: { readonly toListeningMs: readonly number[]; readonly toCredentialMs: readonly number[] };
}

const PROBE_INTERVAL_MS = 2;
const PROBE_LIMIT = 5_000;
const PROBE_TIMEOUT_MS = 15_000;

function loggedAt(daemon: ServerChild, event: string, spawnedAtMs: number): number {
  const line: LogLine | undefined = daemon.lines.find((l) => l.event === event);
  return line?.time === undefined ? Number.NaN : Date.parse(line.time) - spawnedAtMs;
}

async function listeningRound(launch: { stsUrl: string; workspace: Workspace; pinning: Pinning }):
  Promise<{ toListeningMs: number; phases: ColdStartPhases }> {
  const spawnedAtMs = Date.now();
  const t0 = performance.now();
  const daemon = spawnDaemon({ ...launch, cpus: launch.pinning.all, args: ['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'] });
  try {
    await daemon.waitFor(isListening, PROBE_TIMEOUT_MS);
    const toListeningMs = performance.now() - t0;
    const starting = loggedAt(daemon, 'starting', spawnedAtMs);
    const control = loggedAt(daemon, 'control', spawnedAtMs);
    const ready = loggedAt(daemon, 'ready', spawnedAtMs);
    const listening = loggedAt(daemon, 'listening', spawnedAtMs);
    return {
      toListeningMs,
      phases: { bootAndImportMs: starting, configAndControlMs: control - starting, firstFetchMs: ready - control, listenMs: listening - ready },
    };
  } finally {
    await daemon.stop();
  }
}

async function credentialRound(launch: { stsUrl: string; workspace: Workspace; pinning: Pinning }): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const daemon = spawnDaemon({ ...launch, cpus: launch.pinning.all, args: ['--role-arn', DEFAULT_ROLE_ARN, '--port', String(port)] });
  try {
    for (let attempt = 0; attempt < PROBE_LIMIT && performance.now() - t0 < PROBE_TIMEOUT_MS; attempt += 1) {
      const reply = await getCredential(port).catch(() => undefined);
      if (reply?.status === 200) return performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
    throw new Error(`imdsd did not answer a credential within ${PROBE_TIMEOUT_MS} ms; stderr: ${daemon.stderr()}`);
  } finally {
    await daemon.stop();
  }
}

export async function measureColdStart(stsUrl: string, workspace: Workspace, pinning: Pinning, rounds: number): Promise<ColdStart> {
  const launch = { stsUrl, workspace, pinning };
  const listening: Array<{ toListeningMs: number; phases: ColdStartPhases }> = [];
  const credential: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    listening.push(await listeningRound(launch));
    credential.push(await credentialRound(launch));
  }
  const phase = (key: keyof ColdStartPhases): number => round(median(listening.map((r) => r.phases[key])), 1);
  return {
    rounds,
    toListeningMs: round(median(listening.map((r) => r.toListeningMs)), 1),
    toCredentialMs: round(median(credential), 1),
    phases: { bootAndImportMs: phase('bootAndImportMs'), configAndControlMs: phase('configAndControlMs'), firstFetchMs: phase('firstFetchMs'), listenMs: phase('listenMs') },
    samples: { toListeningMs: listening.map((r) => round(r.toListeningMs, 1)), toCredentialMs: credential.map((ms) => round(ms, 1)) },
  };
}
