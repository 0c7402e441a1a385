import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import t from 'tap';
import { type Answer, text } from '../../src/imds/answers.js';
import { createSendAnswer, type ReplyDeps } from '../../src/imds/reply.js';

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
  headers: Record<string, unknown>;
  rawHeaders: string[];
  body: string;
}

/** A real node:http server on loopback that sends `answer` (or a computed one) to every request. */
async function serve(t: { teardown(fn: () => unknown): void }, answer: () => Answer | Promise<Answer>, deps: Partial<ReplyDeps> = {}):
  Promise<(method: string, path: string) => Promise<Reply>> {
  const send = createSendAnswer({ log: capture().log, ...deps });
  const server = createServer((request, response) => void Promise.resolve(answer()).then((computed) => send(request, response, computed)));
  t.teardown(() => new Promise((resolve) => {
    server.close(resolve);
    server.closeAllConnections();
  }));
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return async (method, path) => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    const rawHeaders = [...response.headers.keys()];
    return { status: response.status, headers: Object.fromEntries(response.headers), rawHeaders, body: await response.text() };
  };
}

const TOKEN_ANSWER: Answer = { status: 200, body: 'tok', contentType: 'text/plain', tokenTtlSec: 60 };

t.test('an answer is written with its status, headers and exact length', async (t) => {
  const call = await serve(t, () => ({ status: 405, body: 'Method Not Allowed', contentType: 'text/plain', allow: 'PUT' }));
  const reply = await call('GET', '/latest/api/token');
  t.equal(reply.status, 405, 'the status');
  t.equal(reply.headers.allow, 'PUT', 'Allow');
  t.equal(reply.headers['content-length'], '18', 'Content-Length');
  t.equal(reply.headers['content-type'], 'text/plain', 'Content-Type as the answer says, no charset added');
  t.equal(reply.body, 'Method Not Allowed', 'the body');
  const token = await serve(t, () => TOKEN_ANSWER);
  t.equal((await token('PUT', '/latest/api/token')).headers['x-aws-ec2-metadata-token-ttl-seconds'], '60', 'the TTL header');
});

t.test('HEAD gets the headers and no body', async (t) => {
  const call = await serve(t, () => text('région'));
  const reply = await call('HEAD', '/');
  t.equal(reply.headers['content-length'], '7', 'the length of the UTF-8 body');
  t.equal(reply.body, '', 'no body');
});

t.test('every answer is reported to onAnswer with the target as sent; debug logging', async (t) => {
  const seen: Array<[string, number]> = [];
  const { log, lines } = capture();
  const call = await serve(t, async () => text('later'), { log, onAnswer: (url, status) => seen.push([url, status]) });
  t.equal((await call('GET', '/x?y')).body, 'later', 'served');
  t.same(seen, [['/x?y', 200]], 'reported with the target and status');
  t.match(lines.join(''), /"method":"GET".*"status":200.*"msg":"imds request"/, 'logged at debug level');
});
