/**
 * Names and places the service managers look for. They are fixed, not configurable, so
 * `imdsd uninstall` finds exactly what `imdsd install` wrote, and so do people reading
 * the docs ("~/Library/LaunchAgents/dev.imdsd.agent.plist").
 */
import { dirname, isAbsolute, join } from 'node:path';

export type Platform = 'macos' | 'linux';
/** A per-user service, or (Linux only) a system service for build hosts. */
export type Scope = 'user' | 'system';

/** The launchd job label, reverse-DNS as launchd.plist(5) asks. */
export const LAUNCHD_LABEL = 'dev.imdsd.agent';
export const SYSTEMD_UNIT = 'imdsd.service';
/** Holds the IMDS ports while the daemon restarts; written beside the service. */
export const SYSTEMD_SOCKET = 'imdsd.socket';
/** Unit and plist files are world-readable by convention; they hold no secret. */
export const DEFINITION_MODE = 0o644;

/** This machine's platform, or undefined where imdsd has no service support. */
export function hostPlatform(platform: NodeJS.Platform): Platform | undefined {
  if (platform === 'darwin') return 'macos';
  if (platform === 'linux') return 'linux';
  return undefined;
}

/** launchd writes the daemon's stdout and stderr here; it does not create the directory. */
export function launchdLogDir(home: string): string {
  return join(home, 'Library', 'Logs', 'imdsd');
}

/** The XDG base directory spec says to ignore a relative XDG_CONFIG_HOME. */
function configHome(env: NodeJS.ProcessEnv, home: string): string {
  const xdg = env.XDG_CONFIG_HOME;
  return xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config');
}

/** Where the definition file goes. */
export function definitionPath(platform: Platform, scope: Scope, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'macos') return join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  if (scope === 'system') return join('/etc', 'systemd', 'system', SYSTEMD_UNIT);
  return join(configHome(env, home), 'systemd', 'user', SYSTEMD_UNIT);
}

/** The socket unit that goes beside a systemd service unit. */
export function socketPath(servicePath: string): string {
  return join(dirname(servicePath), SYSTEMD_SOCKET);
}
