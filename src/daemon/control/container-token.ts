/**
 * The ECS endpoint's authorization token: random, written without a trailing newline
 * (SDKs send the file's bytes as the header, and CR/LF is refused) to a 0600 file beside
 * the control socket, whose path AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE names. Written to
 * a temporary name and renamed, so no reader sees half a token. A daemon restart keeps
 * a well-formed private token it finds, so shells that copied it into
 * AWS_CONTAINER_AUTHORIZATION_TOKEN (older botocore reads only that) keep working; on
 * tmpfs ($XDG_RUNTIME_DIR) it is new after every login.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newContainerToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The token already in `path` when it is ours, private and well formed; else a new one. */
export async function reusableContainerToken(path: string, uid: number | undefined): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || (info.mode & 0o077) !== 0 || (uid !== undefined && info.uid !== uid)) return newContainerToken();
  const text = await readFile(path, 'utf8').catch(() => '');
  return TOKEN_SHAPE.test(text) ? text : newContainerToken();
}

export async function writeContainerToken(path: string, token: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, token, { mode: 0o600 });
  await rename(temporary, path);
}

export interface PrivateTokens {
  readonly tokenFile: string;
  readonly containerToken: string;
  /** The key IMDSv2 tokens are signed with, so a restarted daemon accepts them (src/imds/signed-token.ts). */
  readonly tokenSecret: string;
  /** Writes both, once the control socket's private directory exists. */
  save(): Promise<void>;
}

/** The ECS token and the IMDSv2 token key beside the control socket, each reused when still private. */
export async function privateTokens(tokenFile: string, keyFile: string, uid: number | undefined): Promise<PrivateTokens> {
  const [containerToken, tokenSecret] = await Promise.all([reusableContainerToken(tokenFile, uid), reusableContainerToken(keyFile, uid)]);
  return {
    tokenFile,
    containerToken,
    tokenSecret,
    save: async () => {
      await writeContainerToken(tokenFile, containerToken);
      await writeContainerToken(keyFile, tokenSecret);
    },
  };
}
