/** Starts bench/baseline-server.js as a child, serving `body` at the credential path. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnServer, type ServerChild } from './child.js';
import { CREDENTIAL_PATH } from './daemon.js';
import { pinned, type Pinning } from './pinning.js';
import type { Workspace } from './workspace.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'baseline-server.js');

export async function startBaseline(body: string, workspace: Workspace, pinning: Pinning): Promise<ServerChild & { port: number }> {
  const bodyFile = join(workspace.folder('baseline'), 'body.json');
  writeFileSync(bodyFile, body);
  const { command, args } = pinned(pinning, pinning.servers, [SCRIPT, bodyFile, CREDENTIAL_PATH]);
  const server = spawnServer(command, args, { PATH: process.env.PATH });
  const line = await server.waitFor((l) => l.event === 'listening', 10_000);
  return Object.assign(server, { port: Number(line.port) });
}
