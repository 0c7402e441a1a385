/**
 * The launchctl and systemctl calls that load and unload the service, as data: a dry run
 * prints them, a real run executes them in order, and tests compare them exactly.
 */
import { LAUNCHD_LABEL, SYSTEMD_SOCKET, SYSTEMD_UNIT, type Platform, type Scope } from './locations.js';

export interface Command {
  readonly cmd: string;
  readonly args: readonly string[];
  /** Why a failure here is expected and ignored; absent when a failure stops everything. */
  readonly mayFail?: string;
  /** Exit codes that mean "not yet": the command is run again after a pause. */
  readonly retry?: Retry;
}

export interface Retry {
  readonly codes: readonly number[];
  readonly attempts: number;
  readonly delayMs: number;
}

/**
 * launchd releases a label some seconds after `bootout` returns (the old daemon gets
 * SIGTERM, then ExitTimeOut); a `bootstrap` in that window fails with 5 (EIO) or
 * 37 (EINPROGRESS). Retrying for 15 s covers the 10 s ExitTimeOut and a slow exit.
 */
const LAUNCHD_SETTLING: Retry = { codes: [5, 37], attempts: 15, delayMs: 1_000 };

function systemctl(scope: Scope, ...args: string[]): Command {
  return { cmd: 'systemctl', args: scope === 'user' ? ['--user', ...args] : args };
}

/**
 * Loads a freshly written definition. launchd: unload an older copy first (bootstrap
 * refuses a loaded label), enable (bootstrap refuses a label left disabled), then
 * bootstrap, which starts it (RunAtLoad), retried while the old copy is still going away.
 * systemd: reload unit files and enable for the next login or boot. With a socket unit:
 * stop the service (an older daemon may hold the port itself), restart the socket (new
 * ports take effect) and start the service, which fetches a credential before the first
 * client asks. Without one, restart the service, because `enable --now` keeps an already
 * running daemon on its old flags.
 */
export function installCommands(platform: Platform, scope: Scope, uid: number, path: string, withSocket = false): Command[] {
  if (platform === 'macos') {
    return [
      { cmd: 'launchctl', args: ['bootout', `gui/${uid}/${LAUNCHD_LABEL}`], mayFail: 'nothing to unload when it was not loaded' },
      { cmd: 'launchctl', args: ['enable', `gui/${uid}/${LAUNCHD_LABEL}`] },
      { cmd: 'launchctl', args: ['bootstrap', `gui/${uid}`, path], retry: LAUNCHD_SETTLING },
    ];
  }
  if (!withSocket) {
    return [systemctl(scope, 'daemon-reload'), systemctl(scope, 'enable', SYSTEMD_UNIT), systemctl(scope, 'restart', SYSTEMD_UNIT)];
  }
  return [
    systemctl(scope, 'daemon-reload'),
    systemctl(scope, 'enable', SYSTEMD_SOCKET, SYSTEMD_UNIT),
    systemctl(scope, 'stop', SYSTEMD_UNIT),
    systemctl(scope, 'restart', SYSTEMD_SOCKET),
    systemctl(scope, 'start', SYSTEMD_UNIT),
  ];
}

/** Stops the service (and its socket) and forgets them at login or boot; runs before the files are removed. */
export function stopCommands(platform: Platform, scope: Scope, uid: number, withSocket = false): Command[] {
  if (platform === 'macos') {
    return [{ cmd: 'launchctl', args: ['bootout', `gui/${uid}/${LAUNCHD_LABEL}`], mayFail: 'nothing to unload when it was not loaded' }];
  }
  return [systemctl(scope, 'disable', '--now', ...(withSocket ? [SYSTEMD_SOCKET] : []), SYSTEMD_UNIT)];
}

/** Runs after the file is removed, so the manager forgets the unit. */
export function forgetCommands(platform: Platform, scope: Scope): Command[] {
  return platform === 'macos' ? [] : [systemctl(scope, 'daemon-reload')];
}
