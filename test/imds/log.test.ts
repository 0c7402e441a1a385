import { Writable } from 'node:stream';
import { pino } from 'pino';
import t from 'tap';
import { type ImdsLog, SILENT_LOG } from '../../src/imds/log.js';
import { text } from '../../src/imds/answers.js';
import { createSendAnswer } from '../../src/imds/reply.js';

t.test("the daemon's pino logger is an ImdsLog, and the silent one writes nothing", async (t) => {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => done(void lines.push(chunk.toString())) });
  const log: ImdsLog = pino({ level: 'debug' }, stream);
  log.warn({ event: 'x' }, 'through the interface');
  t.match(lines.join(''), /"level":40.*"event":"x".*"msg":"through the interface"/, 'pino writes through it');
  for (const method of ['debug', 'info', 'warn', 'error'] as const) t.equal(SILENT_LOG[method]({ a: 1 }, 'm'), undefined, `silent ${method}`);
  t.notOk(['debug', 'trace'].includes(SILENT_LOG.level), 'at a level where no request is ever logged');
  let onAnswer = 0;
  const send = createSendAnswer({ log: SILENT_LOG, onAnswer: () => (onAnswer += 1) });
  const written: unknown[] = [];
  const response = { writeHead: () => response, end: (body: unknown) => written.push(body) };
  send({ method: 'GET', url: '/' } as never, response as never, text('x'));
  t.same([written, onAnswer], [['x'], 1], 'an app without a logger still answers and counts');
});
