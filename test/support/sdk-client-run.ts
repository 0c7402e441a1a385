/**
 * Runs the real AWS SDK v3 client (sdk-client.ts, built to dist/) in its own process with
 * the environment a test gives it, and reads the one JSON line it prints.
 */
import { execFile } from 'node:child_process';
import { SDK_V3_CLIENT } from './interop-clients.js';

export interface SdkClientOutcome { ok: boolean; arn?: string; accessKeyId?: string; expiration?: string; error?: string }

export function runSdkClient(env: NodeJS.ProcessEnv): Promise<SdkClientOutcome> {
  return new Promise((resolve) => {
    execFile(process.execPath, [SDK_V3_CLIENT], { env, timeout: 20_000 }, (_error, stdout, stderr) => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as SdkClientOutcome);
      } catch {
        resolve({ ok: false, error: `no JSON from the client: ${stdout} ${stderr}` });
      }
    });
  });
}
