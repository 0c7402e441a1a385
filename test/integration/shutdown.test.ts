/**
 * Restarts lose no request in flight: on SIGTERM the daemon stops accepting connections
 * but answers a request whose bytes are still arriving, then exits 0; after SIGHUP the
 * same holds for the roles a reload replaces.
 */
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { cleanEnv, startDaemonProcess } from '../support/daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';
import { serverUnreadBytes } from '../support/tcp-queue.js';
import { waitUntil } from '../support/wait-until.js';

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

function readAll(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
    });
    socket.on('close', () => resolve(text));
    socket.on('error', () => resolve(text));
  });
}

t.test('SIGTERM finishes a request in flight, refuses new connections, and exits 0', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0'], env);
  t.teardown(() => daemon.stop());

  const socket = await openSocket(daemon.port);
  const reply = readAll(socket);
  socket.write('PUT /latest/api/token HTTP/1.1\r\nHost: 127.0.0.1\r\n');
  // In flight: the daemon has accepted the connection and read the partial request (the
  // kernel holds none of its bytes unread).
  const read = await waitUntil(() => socket.writableLength === 0 && serverUnreadBytes(daemon.port, socket.localPort ?? 0) === 0, 10_000);
  t.ok(read, 'the daemon has read the first half of the request');
  daemon.child.kill('SIGTERM');
  await daemon.waitFor((line) => line.event === 'shutdown');
  const refusedNew = (): Promise<boolean> => openSocket(daemon.port).then((late) => {
    late.destroy();
    return false;
  }, () => true);
  t.ok(await waitUntil(refusedNew, 10_000), 'a new connection is refused once shutdown began');
  socket.write('X-aws-ec2-metadata-token-ttl-seconds: 60\r\nConnection: close\r\n\r\n');
  const text = await reply;
  t.match(text, /^HTTP\/1\.1 200 /, 'the request in flight got its answer');
  t.match(text, /x-aws-ec2-metadata-token-ttl-seconds: 60/i, 'a whole, valid token reply');
  t.equal(await daemon.exited, 0, 'then the daemon exited 0');
});
