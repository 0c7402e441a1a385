/**
 * A pass-through HTTP proxy in front of the daemon's IMDS port that records what a real
 * client sent (method and path exactly as written on the wire, token header or not) and
 * what the daemon answered, so a test can say which paths a client really uses
 * (e.g. JS v3's legacy `security-credentials/`, JS v2's `//latest/...`).
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';

export interface RecordedRequest {
  readonly method: string;
  /** The request target as sent, repeated slashes and all. */
  readonly path: string;
  readonly status: number;
  readonly hadToken: boolean;
  readonly ttlHeader: string | undefined;
}

export interface Recorder {
  readonly port: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** Listens on 127.0.0.1 (port 0) and forwards every request to 127.0.0.1:`targetPort`. */
export async function startRecorder(targetPort: number): Promise<Recorder> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const upstream = request(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          status: answer.statusCode ?? 0,
          hadToken: req.headers['x-aws-ec2-metadata-token'] !== undefined,
          ttlHeader: header(req.headers, 'x-aws-ec2-metadata-token-ttl-seconds'),
        });
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('recorder: no TCP address');
  return {
    port: address.port,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
