/**
 * Where the two programs find each other: the control socket, the ECS token file beside
 * it, and the default IMDS port. The daemon creates them, the commands look for them.
 * The control socket lives in a directory private to the user (0700) and only the owner
 * can open it (0600). Never on the IMDS port: anything that can reach IMDS over TCP must
 * not be able to force refreshes or read status.
 */
import { dirname, join } from 'node:path';

/** The IMDS port when none is configured. 1338 is also amazon-ec2-metadata-mock's default. */
export const DEFAULT_IMDS_PORT = 1338;

export const SOCKET_NAME = 'control.sock';

/** The ECS endpoint's authorization token, beside the control socket. */
export const TOKEN_FILE_NAME = 'ecs-token';

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

/** AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE for a daemon whose control socket is `controlSocketPath`. */
export function containerTokenPath(controlSocketPath: string): string {
  return join(dirname(controlSocketPath), TOKEN_FILE_NAME);
}

/**
 * The secret IMDSv2 tokens are signed with (src/imds/signed-token.ts): kept beside the
 * control socket like the ECS token and reused the same way, so a restarted daemon accepts
 * the tokens its predecessor issued. The unit's RuntimeDirectoryPreserve=restart keeps both.
 */
export const TOKEN_KEY_FILE_NAME = 'imds-token-key';

export function tokenKeyPath(controlSocketPath: string): string {
  return join(dirname(controlSocketPath), TOKEN_KEY_FILE_NAME);
}
