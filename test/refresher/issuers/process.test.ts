/**
 * credential_process served directly (issue 13): real processes through the shell, each
 * bad outcome with its own code and hint, and a hang bounded by killing the group.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ImdsdError } from '../../../src/errors.js';
import { codedFailure } from '../../support/coded-failure.js';
import { signalChecked } from '../../support/signal.js';
import { waitUntil } from '../../support/wait-until.js';
import { createProcessIssue, credentialFromOutput, runProcess } from '../../../src/refresher/issuers/process.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const good = (expiration: string | undefined, extra: Record<string, unknown> = {}) => JSON.stringify({
  Version: 1, AccessKeyId: 'ASIAPROCESS000000001', SecretAccessKey: 'secret', SessionToken: 'token',
  ...(expiration === undefined ? {} : { Expiration: expiration }), ...extra,
});

function script(body: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-process-'));
  const path = join(dir, 'creds.sh');
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o700);
  return path;
}

/** Alive and not a zombie waiting for its reaper (Linux /proc). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \([^)]*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

t.test('a process printing temporary credentials is served until its Expiration', async (t) => {
  const path = script(`echo '${good(new Date(Date.now() + 3_600_000).toISOString())}'`);
  const issued = await createProcessIssue({ profile: 'p', command: path, timeoutMs: 5_000, now: Date.now })(undefined);
  t.equal(issued.accessKeyId, 'ASIAPROCESS000000001', 'the keys it printed');
  t.ok(issued.expiresAtMs > Date.now(), 'and its expiry');
});

t.test('each bad output has its own code and a hint', async (t) => {
  const parse = (stdout: string) => credentialFromOutput(stdout, { profile: 'p', now: () => NOW });
  const codeOf = (stdout: string): string | undefined => {
    try {
      parse(stdout);
      return undefined;
    } catch (error) {
      t.ok((error as ImdsdError).hint, 'with a hint');
      return (error as ImdsdError).code;
    }
  };
  t.equal(codeOf('not json'), 'IMDSD_ERR_PROCESS_OUTPUT', 'not JSON');
  t.equal(codeOf('{"Version": 1, "AccessKeyId": "A"'), 'IMDSD_ERR_PROCESS_OUTPUT', 'truncated');
  t.equal(codeOf('[]'), 'IMDSD_ERR_PROCESS_OUTPUT', 'an array');
  t.equal(codeOf(good('2026-11-27T13:00:00Z', { Version: 2 })), 'IMDSD_ERR_PROCESS_OUTPUT', 'another Version');
  t.equal(codeOf(good('2026-11-27T13:00:00Z', { SessionToken: '' })), 'IMDSD_ERR_PROCESS_OUTPUT', 'long-term keys without a token');
  t.equal(codeOf(good(undefined)), 'IMDSD_ERR_PROCESS_NO_EXPIRATION', 'no Expiration: IMDS serves only credentials that expire');
  t.equal(codeOf(good('tomorrow')), 'IMDSD_ERR_PROCESS_OUTPUT', 'an Expiration that is no time');
  t.equal(codeOf(good('2026-11-27T11:00:00Z')), 'IMDSD_ERR_PROCESS_EXPIRED', 'a past Expiration');
  t.equal(codeOf(good('2026-11-27T12:00:30Z')), 'IMDSD_ERR_PROCESS_EXPIRED', 'under a minute left');
  t.equal(parse(good('2026-11-27T13:00:00Z')).expiresAtMs, Date.parse('2026-11-27T13:00:00Z'), 'a good one parses');
});

t.test('a failing process is IMDSD_ERR_PROCESS_FAILED with its first stderr line', async (t) => {
  const path = script('echo "vault: not logged in" >&2; exit 3');
  const error = await codedFailure(createProcessIssue({ profile: 'p', command: path, timeoutMs: 5_000, now: Date.now })(undefined));
  t.equal(error.code, 'IMDSD_ERR_PROCESS_FAILED', 'failed');
  t.match(error.message, /exited with 3: vault: not logged in/, 'with the exit code and stderr');
  const missing = await codedFailure(createProcessIssue({ profile: 'p', command: '/nonexistent/creds', timeoutMs: 5_000, now: Date.now })(undefined));
  t.equal(missing.code, 'IMDSD_ERR_PROCESS_FAILED', 'a missing command fails too (the shell exits 127)');
});

t.test('a process that hangs is stopped after the timeout, with what it started', async (t) => {
  const marker = join(mkdtempSync(join(tmpdir(), 'imdsd-hang-')), 'child.pid');
  const path = script(`sleep 3600 & echo $! > ${marker}; wait`);
  const started = Date.now();
  const error = await codedFailure(createProcessIssue({ profile: 'p', command: path, timeoutMs: 300, now: Date.now })(undefined));
  // Without the group kill there would be no answer for an hour (`sleep 3600` holds stdout
  // open) and tap's timeout would fail the test: the answer itself shows it was bounded.
  t.equal(error.code, 'IMDSD_ERR_PROCESS_TIMEOUT', 'timed out, without waiting for what the script started');
  t.comment(`answered ${Date.now() - started} ms after the start (timeout 300 ms)`);
  const childPid = Number(readFileSync(marker, 'utf8'));
  t.teardown(() => { if (running(childPid)) signalChecked(childPid, 'SIGKILL'); });
  // Not our child: nothing announces its end, so its /proc entry is watched.
  t.ok(await waitUntil(() => !running(childPid), 10_000), 'the process the script started was killed with it');
});

t.test('the runner reports a signal, and output beyond a megabyte stops the process', async (t) => {
  const killed = await runProcess('kill -9 $$', 5_000);
  t.equal(killed.signal, 'SIGKILL', 'the signal');
  const flood = await runProcess('yes', 5_000);
  t.not(flood.exitCode, 0, 'a flood of output is stopped');
  const error = await codedFailure(createProcessIssue({ profile: 'p', command: 'kill -9 $$', timeoutMs: 5_000, now: Date.now })(undefined));
  t.match(error.message, /was killed by SIGKILL/, 'a killed process says so');
});

t.test('a process that cannot be spawned is reported', async (t) => {
  const run = async () => ({ exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, spawnError: 'spawn ENOMEM' });
  const error = await codedFailure(createProcessIssue({ profile: 'p', command: 'x', timeoutMs: 1, now: Date.now, run })(undefined));
  t.match(error, { code: 'IMDSD_ERR_PROCESS_FAILED', message: /spawn ENOMEM/ }, 'with the reason');
});
