/**
 * The baseline imdsd is compared with: bare `node:http`, run as its own child process,
 * answering the IMDSv2 token PUT and the credential GET with the bytes imdsd serves,
 * after a token check that is one Map lookup. It does nothing else (no framework, no
 * host or browser checks, no peer check, no metrics, no logs), so the ratio
 * imdsd / baseline is what everything imdsd adds costs.
 *
 * Usage: node baseline-server.js BODY_FILE CREDENTIAL_PATH
 * Prints {"event":"listening","port":N} on stdout; SIGTERM ends it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const [bodyFile, credentialPath] = process.argv.slice(2);
if (bodyFile === undefined || credentialPath === undefined) {
  process.stderr.write('usage: baseline-server BODY_FILE CREDENTIAL_PATH\n');
  process.exit(2);
}
const body = readFileSync(bodyFile);
const TTL_HEADER = 'x-aws-ec2-metadata-token-ttl-seconds';
/** The same cap as imdsd's token store, so neither grows without end under load. */
const MAX_TOKENS = 10_000;
const tokens = new Map<string, number>();

const server = createServer((req, res) => {
  if (req.method === 'PUT' && req.url === '/latest/api/token') {
    const ttlSec = Number(req.headers[TTL_HEADER]);
    if (!(ttlSec >= 1 && ttlSec <= 21_600)) {
      res.writeHead(400).end();
      return;
    }
    if (tokens.size >= MAX_TOKENS) {
      const oldest = tokens.keys().next();
      if (oldest.done !== true) tokens.delete(oldest.value);
    }
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, Date.now() + ttlSec * 1000);
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': token.length, [TTL_HEADER]: String(ttlSec) });
    res.end(token);
    return;
  }
  if (req.method === 'GET' && req.url === credentialPath) {
    const header = req.headers['x-aws-ec2-metadata-token'];
    const expiresAtMs = typeof header === 'string' ? tokens.get(header) : undefined;
    const leftMs = expiresAtMs === undefined ? 0 : expiresAtMs - Date.now();
    if (leftMs <= 0) {
      res.writeHead(401).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length, [TTL_HEADER]: String(Math.ceil(leftMs / 1000)) });
    res.end(body);
    return;
  }
  res.writeHead(404).end();
});
// The same keep-alive and timeouts as imdsd's listener (IMDS_LIMITS).
server.keepAliveTimeout = 5_000;
server.headersTimeout = 5_000;
server.requestTimeout = 10_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ event: 'listening', port })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
