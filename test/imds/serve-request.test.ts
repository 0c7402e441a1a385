import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import t from 'tap';
import { type Answer, text } from '../../src/imds/answers.js';
import type { Dispatch } from '../../src/imds/dispatch.js';
import { createPeerGate, type AdmitPeer } from '../../src/imds/peer-gate.js';
import { createRequestHandler, type RequestHandlerDeps } from '../../src/imds/serve-request.js';

function capture(): { log: ReturnType<typeof pino>; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

async function serve(t: { teardown(fn: () => void): void }, deps: Partial<RequestHandlerDeps> & { dispatch: Dispatch }):
  Promise<(method: string, path: string) => Promise<Reply>> {
  const { log } = capture();
  const handler = createRequestHandler({ gate: createPeerGate(undefined, log), log, ...deps });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo; // a TCP listener
  return (method, path) => new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const TOKEN_ANSWER: Answer = { status: 200, body: 'tok', contentType: 'text/plain', tokenTtlSec: 60 };

t.test('an answer is written with its status, headers and exact length', async (t) => {
  const call = await serve(t, { dispatch: () => ({ status: 405, body: 'Method Not Allowed', contentType: 'text/plain', allow: 'PUT' }) });
  const reply = await call('GET', '/latest/api/token');
  t.equal(reply.status, 405, 'the status');
  t.equal(reply.headers.allow, 'PUT', 'Allow');
  t.equal(reply.headers['content-length'], '18', 'Content-Length');
  t.equal(reply.body, 'Method Not Allowed', 'the body');
  const token = await serve(t, { dispatch: () => TOKEN_ANSWER });
  t.equal((await token('PUT', '/latest/api/token')).headers['x-aws-ec2-metadata-token-ttl-seconds'], '60', 'the TTL header');
});

t.test('HEAD gets the headers and no body', async (t) => {
  const call = await serve(t, { dispatch: () => text('région') });
  const reply = await call('HEAD', '/');
  t.equal(reply.headers['content-length'], '7', 'the length of the UTF-8 body');
  t.equal(reply.body, '', 'no body');
});

t.test('a computed answer is awaited; every answer is reported to onAnswer', async (t) => {
  const seen: Array<[string, number]> = [];
  const call = await serve(t, { dispatch: async () => text('later'), onAnswer: (url, status) => seen.push([url, status]) });
  t.equal((await call('GET', '/x?y')).body, 'later', 'served');
  t.same(seen, [['/x?y', 200]], 'reported with the target and status');
});

t.test('a throwing or rejecting dispatch gets a 500 that names nothing, and is logged', async (t) => {
  const { log, lines } = capture();
  const throwing = await serve(t, { log, dispatch: () => { throw new Error('secret detail'); } });
  const first = await throwing('GET', '/');
  t.equal(first.status, 500, 'thrown: 500');
  t.notMatch(first.body, /secret/, 'no detail in the body');
  const rejecting = await serve(t, { log, dispatch: () => Promise.reject(new Error('secret detail')) });
  t.equal((await rejecting('GET', '/')).status, 500, 'rejected: 500');
  t.equal(lines.filter((line) => line.includes('IMDS request failed unexpectedly')).length, 2, 'both logged');
});

t.test('a malformed escape is 404 before the peer gate or any check', async (t) => {
  const { log } = capture();
  let asked = 0;
  const refuse: AdmitPeer = async (socket) => {
    asked += 1;
    return { admitted: false, peer: { address: socket.remoteAddress }, describe: async () => ({}) };
  };
  const call = await serve(t, { log, gate: createPeerGate(refuse, log), dispatch: () => text('never') });
  t.equal((await call('GET', '/%zz')).status, 404, 'a malformed escape: 404');
  t.equal(asked, 0, 'the peer was not even asked');
  t.equal((await call('GET', '/latest')).status, 403, 'a good path from the refused peer: 403');
});

t.test('a connection is judged once: later requests use the settled verdict', async (t) => {
  const { log } = capture();
  let asked = 0;
  const admit: AdmitPeer = async (socket) => {
    asked += 1;
    return { admitted: true, peer: { address: socket.remoteAddress }, describe: async () => ({}) };
  };
  const handler = createRequestHandler({ gate: createPeerGate(admit, log), log, dispatch: () => text('ok') });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const { port } = server.address() as AddressInfo; // a TCP listener
  const { Agent } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const get = () => new Promise<number>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.resume().on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject).end();
  });
  t.same([await get(), await get(), await get()], [200, 200, 200], 'all served');
  t.equal(asked, 1, 'the peer was asked once for the kept-alive connection');
});
