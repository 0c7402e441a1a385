/**
 * The STS client as imdsd makes it, against the local SigV4-verifying STS: one attempt
 * (imdsd retries on its own schedule), STS's Date header kept, the answer checked, and
 * a deadline that holds even when the call ignores its abort signal.
 */
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import t from 'tap';
import { createStsSender, withinDeadline } from '../../src/refresher/sts-client.js';
import { DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const STS_NOW = Date.UTC(2026, 10, 21, 12, 0, 0);
let now = STS_NOW;
const sts = await startStsServer({ now: () => now });
t.teardown(() => sts.close());

function sender(deadlineMs = 10_000) {
  return createStsSender({
    region: 'us-east-1', endpoint: sts.url, deadlineMs,
    credentials: async () => ({ accessKeyId: DEFAULT_USER.accessKeyId, secretAccessKey: DEFAULT_USER.secretAccessKey }),
  });
}

const getSessionToken = (send: ReturnType<typeof sender>) =>
  send('GetSessionToken', (client, abortSignal) => client.send(new GetSessionTokenCommand({ DurationSeconds: 900 }), { abortSignal }));

t.test('a credential, with STS\'s own time from its Date header', async (t) => {
  now = Date.now() + 90_000;
  const issued = await getSessionToken(sender());
  t.equal(issued.accessKeyId, sts.calls.at(-1)?.issuedAccessKeyId, 'the key STS issued');
  t.ok(issued.secretAccessKey !== '' && issued.sessionToken !== '', 'all parts');
  t.equal(issued.expiresAtMs - Math.floor(now / 1000) * 1000, 900_000, 'expiring when STS says');
  t.equal(issued.stsDateMs, Math.floor(now / 1000) * 1000, 'STS\'s clock, to the second, not ours');
});

t.test('one attempt only: a 503 is not retried by the SDK', async (t) => {
  now = Date.now();
  const before = sts.calls.length;
  sts.injectFaults({ kind: 'http', status: 503, code: 'ServiceUnavailable' });
  await t.rejects(getSessionToken(sender()), { name: 'ServiceUnavailable' });
  t.equal(sts.calls.length - before, 1, 'one request reached STS');
});

t.test('an answer without a complete credential is IMDSD_ERR_STS_MALFORMED', async (t) => {
  const send = sender();
  const partial = { Credentials: { AccessKeyId: 'ASIA', SecretAccessKey: 's', SessionToken: '', Expiration: new Date() } };
  await t.rejects(send('AssumeRole', async () => partial), { code: 'IMDSD_ERR_STS_MALFORMED', message: 'STS answered AssumeRole without a complete credential' }, 'an empty token');
  const undated = { Credentials: { ...partial.Credentials, SessionToken: 't', Expiration: 'soon' } };
  await t.rejects(send('AssumeRole', async () => undated), { code: 'IMDSD_ERR_STS_MALFORMED' }, 'an expiry that is no date');
  await t.rejects(send('AssumeRole', async () => undefined), { code: 'IMDSD_ERR_STS_MALFORMED' }, 'nothing at all');
});

t.test('the deadline: a hanging STS, and a call that ignores its signal', async (t) => {
  sts.injectFaults({ kind: 'hang' });
  await t.rejects(getSessionToken(sender(300)), { name: 'TimeoutError' }, 'STS never answers');
  await t.rejects(withinDeadline(50, () => new Promise(() => {})), { name: 'TimeoutError' }, 'source credentials that never resolve');
  t.equal(await withinDeadline(1_000, async () => 'done'), 'done', 'a call in time gives its value');
});
