/**
 * The daemon's logger on a real pino: JSON lines with the level's name, every secret key
 * redacted wherever it is attached (top level, one or two levels down, request headers),
 * and access key ids cut to their last four characters.
 */
import { Writable } from 'node:stream';
import t from 'tap';
import { createLogger } from '../../src/daemon/logger.js';

function capture(): { stream: Writable; lines: () => Array<Record<string, unknown>> } {
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, lines: () => written.join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLETOKEN';

t.test('a JSON line with the level by name, the pid and an ISO time', async (t) => {
  const out = capture();
  createLogger('info', out.stream).info({ event: 'refreshed' }, 'credential refreshed');
  const [line] = out.lines();
  t.match(line, { level: 'info', pid: process.pid, event: 'refreshed', msg: 'credential refreshed' }, 'the fields');
  t.match(line?.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'an ISO time');
});

t.test('the level is honoured', async (t) => {
  const out = capture();
  const logger = createLogger('warn', out.stream);
  logger.info('hidden');
  logger.warn('shown');
  t.same(out.lines().map((line) => line.msg), ['shown'], 'info is below warn');
});

t.test('secrets are redacted at the top, one and two levels down, and in request headers', async (t) => {
  const out = capture();
  const logger = createLogger('trace', out.stream);
  logger.info({ secretAccessKey: SECRET, sessionToken: TOKEN, password: 'hunter2' }, 'top');
  logger.info({ credential: { SecretAccessKey: SECRET, SessionToken: TOKEN, Token: TOKEN } }, 'one down');
  logger.info({ reply: { body: { secretAccessKey: SECRET, credentials: { any: 'thing' } } } }, 'two down');
  logger.info({ req: { headers: { 'x-aws-ec2-metadata-token': TOKEN, authorization: `Bearer ${TOKEN}` } } }, 'headers');
  const lines = out.lines();
  t.equal(lines.length, 4, 'four lines');
  const text = JSON.stringify(lines);
  t.notMatch(text, SECRET, 'no secret key');
  t.notMatch(text, TOKEN, 'no token');
  t.notMatch(text, 'hunter2', 'no password');
  t.match(lines[0], { secretAccessKey: '[redacted]', sessionToken: '[redacted]', password: '[redacted]' }, 'top level');
  t.match(lines[1], { credential: { SecretAccessKey: '[redacted]', SessionToken: '[redacted]', Token: '[redacted]' } }, 'one level down');
  t.match(lines[2], { reply: { body: { secretAccessKey: '[redacted]', credentials: '[redacted]' } } }, 'two levels down');
  t.match(lines[3], { req: { headers: { 'x-aws-ec2-metadata-token': '[redacted]', authorization: '[redacted]' } } }, 'the IMDSv2 token header, Authorization');
});

t.test('an access key id keeps its last four characters, anything else under its name is redacted', async (t) => {
  const out = capture();
  const logger = createLogger('info', out.stream);
  logger.info({ accessKeyId: 'ASIAEXAMPLE00000WXYZ', inner: { AccessKeyId: 'AKIAEXAMPLE0000ABCD' }, source: { aws_access_key_id: 'AKIAEXAMPLE0000EFGH' } }, 'keys');
  logger.info({ accessKeyId: 12345 }, 'not a string');
  const [keys, number] = out.lines();
  t.match(keys, { accessKeyId: '…WXYZ', inner: { AccessKeyId: '…ABCD' }, source: { aws_access_key_id: '…EFGH' } }, 'the tails');
  t.equal(number?.accessKeyId, '[redacted]', 'a value that is no string is redacted whole');
});
