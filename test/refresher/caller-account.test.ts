/** Issue 19: the account of a credential, from one GetCallerIdentity signed with it (against the local STS). */
import t from 'tap';
import { accountOfCaller, createAccountLookup } from '../../src/refresher/caller-account.js';
import { startStsServer } from '../support/sts-server.js';

const HOUR = 3_600_000;

t.test('GetCallerIdentity signed with the credential names its account', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const issued = sts.newCredentials(Math.floor(Date.now() / 1000) * 1000 + HOUR);
  sts.addSession(issued, 'arn:aws:sts::333344445555:assumed-role/vault-issued/tester');
  const lookup = createAccountLookup({ region: 'us-east-1', endpoint: sts.url, deadlineMs: 5_000 });
  const account = await lookup({ ...issued, issuedAtMs: Date.now() });
  t.equal(account, '333344445555', 'the account of the session');
  t.match(sts.calls, [{ action: 'GetCallerIdentity', accessKeyId: issued.accessKeyId, status: 200, region: 'us-east-1' }],
    'one call, signed (SigV4, verified) with the credential it was given');
});

t.test('a credential STS does not know: the lookup rejects with what STS said', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const lookup = createAccountLookup({ region: 'us-east-1', endpoint: sts.url, deadlineMs: 5_000 });
  const stranger = { accessKeyId: 'ASIASTRANGER00000001', secretAccessKey: 'not-known', sessionToken: 'not-known', issuedAtMs: 0, expiresAtMs: Date.now() + HOUR };
  await t.rejects(lookup(stranger), { name: 'InvalidClientTokenId' }, 'InvalidClientTokenId');
  sts.injectFaults({ kind: 'malformed', action: 'GetCallerIdentity' });
  const issued = sts.newCredentials(Math.floor(Date.now() / 1000) * 1000 + HOUR);
  sts.addSession(issued, 'arn:aws:sts::333344445555:assumed-role/vault-issued/tester');
  await t.rejects(lookup({ ...issued, issuedAtMs: 0 }), 'a body that is not an answer is a failure too');
});

t.test('a call that hangs ends at the deadline', async (t) => {
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  sts.injectFaults({ kind: 'hang', action: 'GetCallerIdentity' });
  const issued = sts.newCredentials(Math.floor(Date.now() / 1000) * 1000 + HOUR);
  sts.addSession(issued, 'arn:aws:sts::333344445555:assumed-role/vault-issued/tester');
  const lookup = createAccountLookup({ region: 'us-east-1', endpoint: sts.url, deadlineMs: 200 });
  await t.rejects(lookup({ ...issued, issuedAtMs: 0 }), 'rejected, not left pending');
});

t.test('the account of an answer: Account, else the one in Arn', async (t) => {
  t.equal(accountOfCaller({ Account: '111122223333', Arn: 'arn:aws:iam::444455556666:user/x', UserId: 'AIDA' }), '111122223333', 'Account first');
  t.equal(accountOfCaller({ Arn: 'arn:aws-cn:sts::444455556666:assumed-role/r/s' }), '444455556666', 'from the Arn');
  t.throws(() => accountOfCaller({ Account: 'none', Arn: 'arn:aws:iam:::user/x' }), { code: 'IMDSD_ERR_STS_MALFORMED' }, 'neither: malformed');
  t.throws(() => accountOfCaller(undefined), { code: 'IMDSD_ERR_STS_MALFORMED' }, 'no answer: malformed');
});
