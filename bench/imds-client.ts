/** A minimal IMDSv2 client for set-up and probes (not for load: autocannon does that). */
import { request } from 'node:http';
import { CREDENTIAL_PATH, TOKEN_HEADER, TOKEN_PATH, TTL_HEADER } from './daemon.js';

export interface Reply {
  readonly status: number;
  readonly body: string;
}

/** One request on a new connection to 127.0.0.1, failing after `timeoutMs`. */
export function call(port: number, method: string, path: string, headers: Record<string, string>, timeoutMs = 2_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function getToken(port: number, ttlSec = 21_600): Promise<string> {
  const reply = await call(port, 'PUT', TOKEN_PATH, { [TTL_HEADER]: String(ttlSec) });
  if (reply.status !== 200) throw new Error(`token PUT answered ${reply.status}`);
  return reply.body;
}

/** The token PUT and the credential GET, as an SDK does them. */
export async function getCredential(port: number): Promise<Reply> {
  const token = await getToken(port);
  return call(port, 'GET', CREDENTIAL_PATH, { [TOKEN_HEADER]: token });
}
