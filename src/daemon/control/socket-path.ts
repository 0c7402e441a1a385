/**
 * Where the control socket lives: a directory private to the user (0700) holding a
 * socket only the owner can open (0600). Never on the IMDS port: anything that can
 * reach IMDS over TCP must not be able to force refreshes or read status.
 */
import { join } from 'node:path';

export const SOCKET_NAME = 'control.sock';

/**
 * `--control-socket` or IMDSD_CONTROL_SOCKET, else `$XDG_RUNTIME_DIR/imdsd/control.sock`
 * (systemd's per-user tmpfs), else `~/.imdsd/run/control.sock`.
 */
export function controlSocketPath(env: NodeJS.ProcessEnv, home: string, explicit?: string): string {
  if (explicit !== undefined && explicit !== '') return explicit;
  if (env.IMDSD_CONTROL_SOCKET) return env.IMDSD_CONTROL_SOCKET;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'imdsd', SOCKET_NAME);
  return join(home, '.imdsd', 'run', SOCKET_NAME);
}
