/**
 * The IMDS server's own deadlines (src/imds/server.ts) on real sockets, with limits scaled
 * down to tens of milliseconds: slow senders are cut with 408, a request in flight is
 * never cut, a kept-alive connection gets its keep-alive time plus the header time, no
 * timer runs while no connection is open, and close() ends every connection.
 */
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import t from 'tap';
import { createImdsServer, IMDS_LIMITS, type ImdsHandler, type ImdsServer, type IntervalTimer } from '../../src/imds/server.js';

const LIMITS = { ...IMDS_LIMITS, headersTimeoutMs: 300, keepAliveTimeoutMs: 300, timeoutCheckMs: 50 };

interface Peer {
  readonly socket: Socket;
  readonly openedMs: number;
  received: string;
  /** Resolves with the ms from connect to close. */
  readonly closed: Promise<number>;
}

function open(port: number): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('error', reject).once('connect', () => {
      const openedMs = performance.now();
      const peer: Peer = {
        socket, openedMs, received: '',
        closed: new Promise((done) => socket.once('close', () => done(performance.now() - openedMs))),
      };
      socket.on('data', (chunk: Buffer) => (peer.received += chunk.toString('latin1'))).on('error', () => undefined);
      resolve(peer);
    });
  });
}

/** The real interval, counted: how many deadline checks of one server are running. */
function countedInterval(running: { checks: number }): IntervalTimer {
  return {
    start(fn, everyMs) {
      running.checks += 1;
      const handle = setInterval(fn, everyMs).unref();
      return () => {
        running.checks -= 1;
        clearInterval(handle);
      };
    },
  };
}

interface Served {
  readonly imds: ImdsServer;
  readonly port: number;
  readonly running: { checks: number };
}

async function serve(t: { teardown(fn: () => unknown): void }, handler: ImdsHandler): Promise<Served> {
  const running = { checks: 0 };
  const imds = createImdsServer(handler, LIMITS, countedInterval(running));
  t.teardown(() => imds.close());
  await new Promise<void>((resolve) => imds.server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return { imds, port: (imds.server.address() as AddressInfo).port, running };
}

const ok: ImdsHandler = (request, response, answered) => {
  response.writeHead(200, { 'content-length': 2 }).end('ok');
  answered(request, response);
};

t.test('a sender of slow headers gets 408 after the header deadline, and is closed', async (t) => {
  const { port } = await serve(t, ok);
  const slow = await open(port);
  slow.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
  const silent = await open(port);
  const [slowMs, silentMs] = await Promise.all([slow.closed, silent.closed]);
  t.match(slow.received, /^HTTP\/1\.1 408 Request Timeout\r\n/, 'the partial request is answered 408');
  t.match(silent.received, /^HTTP\/1\.1 408 /, 'so is a connection that sends nothing');
  t.ok(slowMs >= LIMITS.headersTimeoutMs && silentMs >= LIMITS.headersTimeoutMs, `neither before the deadline (${slowMs.toFixed(0)}, ${silentMs.toFixed(0)} ms)`);
});

t.test('a request in flight is not cut, however long its answer takes', async (t) => {
  let release = (): void => undefined;
  const { port } = await serve(t, (request, response, answered) => {
    release = () => ok(request, response, answered);
  });
  const inFlight = new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)))
      .on('error', reject).end();
  });
  // A connection opened beside it is cut at the deadline: by then the first is past it too.
  const beside = await open(port);
  await beside.closed;
  release();
  t.equal(await inFlight, 200, 'the request held past the deadline is answered');
});

t.test('a kept-alive connection has the keep-alive time plus the header time for its next request', async (t) => {
  const { port } = await serve(t, ok);
  const peer = await open(port);
  peer.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  const answeredAt = await new Promise<number>((resolve) => peer.socket.once('data', () => resolve(performance.now())));
  // The next request starts at once and never ends its headers.
  peer.socket.write('GET / HTTP/1.1\r\n');
  await peer.closed;
  const afterAnswerMs = performance.now() - answeredAt;
  t.match(peer.received, /^HTTP\/1\.1 200 OK[\s\S]*HTTP\/1\.1 408 /, 'the first request answered, the unfinished one 408');
  t.ok(afterAnswerMs >= LIMITS.headersTimeoutMs, `not cut at the bare header deadline (${afterAnswerMs.toFixed(0)} ms after the answer)`);
});

t.test('no timer runs while no connection is open', async (t) => {
  const { imds, port, running } = await serve(t, ok);
  t.equal(running.checks, 0, 'listening starts no timer');
  const serverSide: Array<Promise<void>> = [];
  const accepted = (): Promise<void> => new Promise((resolve) => imds.server.once('connection', (socket: Socket) => {
    serverSide.push(new Promise((closed) => socket.once('close', () => closed())));
    resolve();
  }));
  let next = accepted();
  const peer = await open(port);
  await next;
  t.equal(running.checks, 1, 'a connection starts the one deadline check');
  next = accepted();
  const second = await open(port);
  await next;
  t.equal(running.checks, 1, 'a second connection shares it');
  peer.socket.destroy();
  second.socket.destroy();
  await Promise.all(serverSide);
  t.equal(running.checks, 0, 'the check stops with the last connection');
});

t.test('close() ends idle connections at once and busy ones after their answer', async (t) => {
  let release = (): void => undefined;
  const { imds, port } = await serve(t, (request, response, answered) => {
    release = () => ok(request, response, answered);
  });
  const idle = await open(port);
  const busy = await open(port);
  busy.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await new Promise<void>((resolve) => imds.server.once('request', () => resolve()));
  const closing = imds.close();
  await idle.closed;
  t.equal(idle.received, '', 'the idle connection is closed without an answer');
  release();
  await Promise.all([busy.closed, closing]);
  t.match(busy.received, /^HTTP\/1\.1 200 OK/, 'the busy one gets its answer first');
  t.notOk(imds.server.listening, 'the server no longer listens');
});
