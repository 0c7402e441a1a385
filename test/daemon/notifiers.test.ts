import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t from 'tap';
import type { ExpiryNotice } from '../../src/daemon/expiry-warning.js';
import { createNotifier } from '../../src/daemon/notifiers.js';
import { waitUntil } from '../support/wait-until.js';

const NOTICE: ExpiryNotice = {
  role: 'dev', expiresAtMs: Date.UTC(2026, 10, 21, 12, 0, 0), leftSec: 540, code: 'IMDSD_ERR_STS_UNAVAILABLE',
  message: 'imdsd: the dev credential expires in 9 min and refreshing fails: STS could not be reached', hint: 'check the network',
};

/** The hook's whole line, once it is written; '' if none comes within 10 s. */
async function waitForFile(path: string): Promise<string> {
  const whole = (): boolean => existsSync(path) && readFileSync(path, 'utf8').endsWith('\n');
  return await waitUntil(whole, 10_000) ? readFileSync(path, 'utf8') : '';
}

/** A fake notify-send/osascript on PATH that records its arguments. */
function captureCommand(name: string): { dir: string; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-notify-'));
  const out = join(dir, 'args');
  writeFileSync(join(dir, name), `#!/bin/sh\nfor a in "$@"; do printf '%s|' "$a"; done > "${out}"\necho >> "${out}"\n`);
  chmodSync(join(dir, name), 0o755);
  return { dir, out };
}

const logger = pino({ level: 'silent' });

t.test('the hook runs with the notice in IMDSD_* variables', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-hook-'));
  const out = join(dir, 'hook.txt');
  const notify = createNotifier({
    platform: 'linux', desktop: false, logger, env: process.env,
    hook: `echo "$IMDSD_ROLE $IMDSD_EXPIRES_AT $IMDSD_SECONDS_LEFT $IMDSD_ERROR_CODE [$IMDSD_HINT]" > ${out}`,
  });
  notify(NOTICE);
  t.equal(await waitForFile(out), 'dev 2026-11-21T12:00:00.000Z 540 IMDSD_ERR_STS_UNAVAILABLE [check the network]\n', 'every field');
});

t.test('an SSO login notice names its session in IMDSD_SSO_SESSION (issue 13)', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'imdsd-hook-')), 'hook.txt');
  const hook = `echo "[$IMDSD_SSO_SESSION] $IMDSD_ERROR_CODE $IMDSD_HINT" > ${out}`;
  createNotifier({ platform: 'linux', desktop: false, logger, env: process.env, hook })({
    ...NOTICE, code: 'IMDSD_ERR_SSO_LOGIN_REQUIRED', hint: 'run `aws sso login --sso-session corp`', ssoSession: 'corp',
  });
  t.equal(await waitForFile(out), '[corp] IMDSD_ERR_SSO_LOGIN_REQUIRED run `aws sso login --sso-session corp`\n', 'the session and the command');
  const other = join(mkdtempSync(join(tmpdir(), 'imdsd-hook-')), 'hook.txt');
  createNotifier({ platform: 'linux', desktop: false, logger, env: process.env, hook: `echo "[$IMDSD_SSO_SESSION]" > ${other}` })(NOTICE);
  t.equal(await waitForFile(other), '[]\n', 'empty for other notices');
});

t.test('desktop notifications: notify-send on Linux, osascript on macOS', async (t) => {
  const linux = captureCommand('notify-send');
  createNotifier({ platform: 'linux', desktop: true, logger, env: process.env })(NOTICE);
  const savedPath = process.env.PATH;
  t.teardown(() => (process.env.PATH = savedPath));
  process.env.PATH = `${linux.dir}:${savedPath}`;
  createNotifier({ platform: 'linux', desktop: true, logger, env: process.env })(NOTICE);
  t.match(await waitForFile(linux.out), /^--app-name=imdsd\|--urgency=critical\|imdsd\|imdsd: the dev credential expires in 9 min.* Fix: check the network\|/, 'notify-send got the title and text');

  const mac = captureCommand('osascript');
  process.env.PATH = `${mac.dir}:${savedPath}`;
  createNotifier({ platform: 'darwin', desktop: true, logger, env: process.env })({ ...NOTICE, message: 'say "hi" \\ now' });
  t.match(await waitForFile(mac.out), /^-e\|display notification "say \\"hi\\" \\\\ now Fix: check the network" with title "imdsd"\|/, 'osascript got a quoted AppleScript string');
});

t.test('no desktop, no hook, or a platform without notifications: nothing runs, nothing throws', async (t) => {
  t.doesNotThrow(() => createNotifier({ platform: 'win32', desktop: true, logger, env: process.env })(NOTICE), 'win32');
  t.doesNotThrow(() => createNotifier({ platform: 'linux', desktop: false, logger, env: process.env })(NOTICE), 'desktop off');
  const lines: string[] = [];
  const logging = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  createNotifier({ platform: 'linux', desktop: false, logger: logging, env: process.env, hook: 'exit 3' })(NOTICE);
  await waitUntil(() => lines.some((line) => line.includes('hook-failed')), 10_000);
  t.ok(lines.some((line) => line.includes('"event":"hook-failed"') && line.includes('"exitCode":3')), 'a failing hook is logged');
});
