/**
 * A `credential_process` served directly: run ahead of the credential's Expiration,
 * with the output format the SDKs read (docs/imds-protocol.md, "credential_process").
 * Run here rather than through the SDK's `fromProcess`: that one passes no timeout to
 * `exec`, so a process that hangs would hold a refresh forever and stay behind; here
 * the whole process group is killed after `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { SERVE_MIN_REMAINING_MS } from '../../credentials.js';
import { ImdsdError } from '../../errors.js';
import type { IssuedCredential, Issuer } from './issuer.js';

export interface ProcessRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Set when the process could not be started. */
  readonly spawnError?: string | undefined;
}

/** Runs `command` through the shell, as the SDKs do, for at most `timeoutMs`. */
export type ProcessRunner = (command: string, timeoutMs: number) => Promise<ProcessRun>;

/** Output beyond this is not a credential: the process is stopped. */
const MAX_OUTPUT_BYTES = 1 << 20;

export const runProcess: ProcessRunner = (command, timeoutMs) => new Promise((resolve) => {
  // Its own process group, so a timeout also stops what the shell started.
  const child = spawn(command, { shell: true, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let timedOut = false;
  const kill = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  };
  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, timeoutMs);
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.length > MAX_OUTPUT_BYTES) kill();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 4096) stderr += chunk;
  });
  child.on('error', (error) => {
    clearTimeout(timer);
    resolve({ exitCode: null, signal: null, stdout, stderr, timedOut, spawnError: error.message });
  });
  child.on('close', (exitCode, signal) => {
    clearTimeout(timer);
    resolve({ exitCode, signal, stdout, stderr, timedOut });
  });
});

export interface ProcessIssuerOptions {
  readonly profile: string;
  readonly command: string;
  readonly timeoutMs: number;
  readonly now: () => number;
  readonly run?: ProcessRunner;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The guard on the process's JSON: Version 1, the keys, a token, a future Expiration. */
export function credentialFromOutput(stdout: string, options: Pick<ProcessIssuerOptions, 'profile' | 'now'>): IssuedCredential {
  const fix = `fix the credential_process of profile ${options.profile}: it must print {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}`;
  let data: unknown;
  try {
    data = JSON.parse(stdout.trim());
  } catch {
    throw new ImdsdError('IMDSD_ERR_PROCESS_OUTPUT', `profile ${options.profile}: credential_process printed something that is not JSON (${stdout.trim().length} characters)`, { hint: fix });
  }
  const doc = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (doc.Version !== 1 || !nonEmpty(doc.AccessKeyId) || !nonEmpty(doc.SecretAccessKey) || !nonEmpty(doc.SessionToken)) {
    const missing = ['Version', 'AccessKeyId', 'SecretAccessKey', 'SessionToken'].filter((key) => key === 'Version' ? doc.Version !== 1 : !nonEmpty(doc[key]));
    throw new ImdsdError('IMDSD_ERR_PROCESS_OUTPUT', `profile ${options.profile}: credential_process printed JSON without ${missing.join(', ')}${missing.includes('Version') ? ' (Version must be 1)' : ''}`, { hint: fix });
  }
  if (doc.Expiration === undefined || doc.Expiration === null || doc.Expiration === '') {
    throw new ImdsdError('IMDSD_ERR_PROCESS_NO_EXPIRATION', `profile ${options.profile}: credential_process printed credentials without an Expiration: IMDS serves only credentials that expire`,
      { hint: 'make the process print temporary credentials with "Expiration" (ISO 8601), or serve a role profile that uses it as source_profile' });
  }
  const expiresAtMs = typeof doc.Expiration === 'string' ? Date.parse(doc.Expiration) : Number.NaN;
  if (!Number.isFinite(expiresAtMs)) {
    throw new ImdsdError('IMDSD_ERR_PROCESS_OUTPUT', `profile ${options.profile}: credential_process printed an Expiration that is not an ISO 8601 time`, { hint: fix });
  }
  if (expiresAtMs - options.now() <= SERVE_MIN_REMAINING_MS) {
    throw new ImdsdError('IMDSD_ERR_PROCESS_EXPIRED', `profile ${options.profile}: credential_process printed credentials that expire at ${new Date(expiresAtMs).toISOString()}, too soon to serve`,
      { hint: 'the process hands out a stale credential: clear its cache or log in again with the tool behind it' });
  }
  return { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.SessionToken, expiresAtMs };
}

/** Runs the process on every refresh and checks what it printed. */
export function createProcessIssue(options: ProcessIssuerOptions): Issuer {
  const run = options.run ?? runProcess;
  return async () => {
    const result = await run(options.command, options.timeoutMs);
    const stderr = result.stderr.trim().split('\n')[0]?.slice(0, 200) ?? '';
    const said = stderr === '' ? '' : `: ${stderr}`;
    if (result.timedOut) {
      throw new ImdsdError('IMDSD_ERR_PROCESS_TIMEOUT', `profile ${options.profile}: credential_process did not finish within ${options.timeoutMs / 1000} s and was stopped`,
        { hint: 'run the command by hand: it must print its JSON without waiting for input' });
    }
    if (result.spawnError !== undefined || result.exitCode !== 0) {
      const how = result.spawnError ?? (result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited with ${result.exitCode}`);
      throw new ImdsdError('IMDSD_ERR_PROCESS_FAILED', `profile ${options.profile}: credential_process ${how}${said}`,
        { hint: 'run the credential_process command by hand to see why it fails' });
    }
    return credentialFromOutput(result.stdout, options);
  };
}
