/**
 * The two servers every throughput comparison runs against, started once per
 * invocation and loaded one at a time: the real daemon and the node:http baseline
 * serving the very bytes the daemon serves.
 */
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { startBaseline } from './baseline.js';
import type { ServerChild } from './child.js';
import { startDaemon } from './daemon.js';
import { getCredential, getToken } from './imds-client.js';
import type { Pinning } from './pinning.js';
import type { Workspace } from './workspace.js';

export interface Target {
  readonly name: 'imdsd' | 'baseline';
  readonly port: number;
  readonly pid: number;
  /** A valid IMDSv2 token of this server (six hours). */
  readonly token: string;
  /** Lines the server has written to stdout so far (its log). */
  lineCount(): number;
  readonly server: ServerChild;
}

export interface Targets {
  readonly imdsd: Target;
  readonly baseline: Target;
  /** The credential document both serve. */
  readonly body: string;
  stop(): Promise<void>;
}

export async function startTargets(stsUrl: string, workspace: Workspace, pinning: Pinning, nodeFlags: readonly string[] = []): Promise<Targets> {
  const daemon = await startDaemon({ stsUrl, workspace, pinning, roleArn: DEFAULT_ROLE_ARN, nodeFlags });
  try {
    const document = await getCredential(daemon.port);
    if (document.status !== 200) throw new Error(`imdsd answered the credential GET with ${document.status}`);
    const baseline = await startBaseline(document.body, workspace, pinning);
    const target = (name: Target['name'], server: ServerChild & { port: number }, token: string): Target => ({
      name, port: server.port, pid: server.pid, token, lineCount: () => server.lineCount(), server,
    });
    return {
      imdsd: target('imdsd', daemon, await getToken(daemon.port)),
      baseline: target('baseline', baseline, await getToken(baseline.port)),
      body: document.body,
      async stop() {
        await Promise.all([daemon.stop(), baseline.stop()]);
      },
    };
  } catch (error) {
    await daemon.stop();
    throw error;
  }
}
