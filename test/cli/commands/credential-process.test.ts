/**
 * `imdsd credential-process` in process against a real control socket: the document on
 * stdout and nothing else, the role named or the daemon's only one, and the refusals.
 */
import t from 'tap';
import { credentialProcessCommand } from '../../../src/cli/commands/credential-process.js';
import { recordingContext } from '../../support/command-context.js';
import { controlSocket, fakeRole, fakeStatus } from '../../support/doctor-fakes.js';

const DOCUMENT = { Version: 1, AccessKeyId: 'ASIAEXAMPLE00000WXYZ', SecretAccessKey: 's', SessionToken: 't', Expiration: '2026-11-21T13:00:00Z' };

function daemon(roles: string[]) {
  return (_method: string, url: string): unknown => (url === '/v1/status' ? fakeStatus(roles.map((roleName) => fakeRole({ roleName }))) : DOCUMENT);
}

t.test('--role: the document for it, as one JSON line', async (t) => {
  const socket = await controlSocket(t, daemon(['dev', 'ops']));
  const ctx = recordingContext({});
  t.equal(await credentialProcessCommand(['--role', 'ops', '--control-socket', socket.path], ctx), 0, 'exit 0');
  t.same(socket.requests, ['GET /v1/credentials/ops'], 'no status needed');
  t.equal(ctx.output(), `${JSON.stringify(DOCUMENT)}\n`, 'the document alone on stdout');
  t.equal(ctx.errors(), '', 'nothing on stderr');
});

t.test('no --role: the only role; two or none: --role is required', async (t) => {
  const one = await controlSocket(t, daemon(['dev']));
  await credentialProcessCommand(['--control-socket', one.path], recordingContext({}));
  t.same(one.requests, ['GET /v1/status', 'GET /v1/credentials/dev'], 'the status names the only role');
  const two = await controlSocket(t, daemon(['dev', 'ops']));
  await t.rejects(credentialProcessCommand(['--control-socket', two.path], recordingContext({})),
    { code: 'IMDSD_ERR_UNKNOWN_ROLE', message: '--role is required: the daemon serves dev, ops', hint: 'pass --role NAME' }, 'two roles');
  const none = await controlSocket(t, daemon([]));
  await t.rejects(credentialProcessCommand(['--control-socket', none.path], recordingContext({})),
    { message: '--role is required: the daemon serves no roles' }, 'no role');
});

t.test('a document that is not Version 1 is refused, not printed', async (t) => {
  const socket = await controlSocket(t, () => ({ ...DOCUMENT, Version: 2 }));
  const ctx = recordingContext({});
  await t.rejects(credentialProcessCommand(['--role', 'dev', '--control-socket', socket.path], ctx), { code: 'IMDSD_ERR_DAEMON_REPLY' });
  t.equal(ctx.output(), '', 'stdout stays empty, so the SDK reads no half answer');
});
