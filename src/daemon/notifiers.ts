/**
 * Where expiry notices go besides the log: the desktop (osascript on macOS, notify-send
 * on Linux, when present) and an optional user command, which gets the notice in
 * IMDSD_* environment variables. Both run detached with a timeout and never throw.
 */
import { execFile, spawn } from 'node:child_process';
import type { Logger } from 'pino';
import type { ExpiryNotice, Notifier } from './expiry-warning.js';

const RUN_TIMEOUT_MS = 10_000;

function desktopCommand(platform: NodeJS.Platform, notice: ExpiryNotice): [string, string[]] | undefined {
  const text = `${notice.message}${notice.hint === undefined ? '' : ` Fix: ${notice.hint}`}`;
  if (platform === 'darwin') {
    const quoted = (value: string): string => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    return ['osascript', ['-e', `display notification ${quoted(text)} with title "imdsd"`]];
  }
  if (platform === 'linux') return ['notify-send', ['--app-name=imdsd', '--urgency=critical', 'imdsd', text]];
  return undefined;
}

export interface NotifierOptions {
  readonly platform: NodeJS.Platform;
  readonly hook?: string | undefined;
  readonly desktop: boolean;
  readonly logger: Logger;
  readonly env: NodeJS.ProcessEnv;
}

export function createNotifier(options: NotifierOptions): Notifier {
  const { logger } = options;
  return (notice) => {
    const desktop = options.desktop ? desktopCommand(options.platform, notice) : undefined;
    if (desktop !== undefined) {
      execFile(desktop[0], desktop[1], { timeout: RUN_TIMEOUT_MS }, (error) => {
        if (error !== null) logger.debug({ event: 'desktop-notify-failed', reason: error.message }, 'no desktop notification');
      });
    }
    if (options.hook !== undefined) {
      const child = spawn(options.hook, {
        shell: true,
        stdio: 'ignore',
        timeout: RUN_TIMEOUT_MS,
        env: {
          ...options.env,
          IMDSD_ROLE: notice.role,
          IMDSD_EXPIRES_AT: new Date(notice.expiresAtMs).toISOString(),
          IMDSD_SECONDS_LEFT: String(notice.leftSec),
          IMDSD_ERROR_CODE: notice.code ?? '',
          IMDSD_MESSAGE: notice.message,
          IMDSD_HINT: notice.hint ?? '',
          IMDSD_SSO_SESSION: notice.ssoSession ?? '',
        },
      });
      child.on('error', (error) => logger.warn({ event: 'hook-failed', reason: error.message }, '--on-expiry-warning could not run'));
      child.on('exit', (code) => {
        if (code !== 0) logger.warn({ event: 'hook-failed', exitCode: code }, '--on-expiry-warning exited with an error');
      });
    }
  };
}
