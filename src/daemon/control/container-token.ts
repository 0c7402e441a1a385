/**
 * The ECS endpoint's authorization token: random per daemon start, written without a
 * trailing newline (SDKs send the file's bytes as the header, and CR/LF is refused) to a
 * 0600 file beside the control socket, whose path AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 * names. Written to a temporary name and renamed, so no reader sees half a token.
 */
import { randomBytes } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const TOKEN_FILE_NAME = 'ecs-token';

export function containerTokenPath(controlSocketPath: string): string {
  return join(dirname(controlSocketPath), TOKEN_FILE_NAME);
}

export function newContainerToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function writeContainerToken(path: string, token: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, token, { mode: 0o600 });
  await rename(temporary, path);
}
