import t from 'tap';
import { createCredentialDocuments, serialiseCredential } from '../../src/imds/credential-document.js';
import { fakeCredential, IDENTITY, SECRET, SESSION_TOKEN, T0_MS } from '../support/imds-fakes.js';

const LEGACY_KEYS = ['Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration'];

t.test('the legacy document has real IMDS keys, order and formats', async (t) => {
  const json = serialiseCredential(fakeCredential({ issuedAtMs: T0_MS + 123, expiresAtMs: T0_MS + 3_600_999 }));
  const document: unknown = JSON.parse(json);
  t.same(Object.keys(document as object), LEGACY_KEYS, 'exactly the seven keys, Code first');
  t.strictSame(
    document,
    {
      Code: 'Success',
      LastUpdated: '2026-11-21T20:00:00Z',
      Type: 'AWS-HMAC',
      AccessKeyId: 'ASIAEXAMPLEKEY000001',
      SecretAccessKey: SECRET,
      Token: SESSION_TOKEN,
      Expiration: '2026-11-21T21:00:00Z',
    },
    'every value a string; timestamps UTC to the second with Z',
  );
  t.notMatch(json, /\n/, 'compact, one line');
});

t.test('the extended document adds AccountId last', async (t) => {
  const document: unknown = JSON.parse(serialiseCredential(fakeCredential(), '123456789012'));
  t.same(Object.keys(document as object), [...LEGACY_KEYS, 'AccountId'], 'AccountId follows the legacy keys');
  t.match(document, { AccountId: '123456789012' }, 'the account is a 12-digit string');
});

t.test('documents are serialised once per credential', async (t) => {
  const documents = createCredentialDocuments(() => IDENTITY);
  const stringify = JSON.stringify;
  const calls = t.capture(JSON, 'stringify', stringify);
  const credential = fakeCredential();
  const first = documents.legacy(credential);
  const second = documents.legacy(credential);
  t.equal(second, first, 'the same credential gives the very same answer object');
  t.equal(calls().length, 1, 'JSON.stringify ran once for two requests');
  const extended = documents.extended(credential);
  t.equal(documents.extended(credential), extended, 'the extended answer is cached too');
  t.equal(calls().length, 1, 'one more serialisation for the extended document');
  t.not(documents.legacy(fakeCredential()), first, 'a new credential object is serialised anew');
  t.match(first, { status: 200, contentType: 'text/plain' }, 'the cached answer is a 200 text answer');
  t.match(extended.body, /"AccountId":"123456789012"/, 'the extended answer carries the account');
});

t.test('an account learned after the first credential is carried from then on', async (t) => {
  let identity = { ...IDENTITY, roleArn: '', accountId: '' };
  const documents = createCredentialDocuments(() => identity);
  const credential = fakeCredential();
  const before = documents.extended(credential);
  t.notMatch(before.body, /AccountId/, 'no AccountId while the account is unknown');
  t.notMatch(documents.container(credential).body, /AccountId/, 'nor in the container document');
  t.equal(documents.extended(credential), before, 'cached while nothing changes');
  identity = { ...identity, accountId: '333344445555' };
  const after: unknown = JSON.parse(documents.extended(credential).body);
  t.same(Object.keys(after as object), [...LEGACY_KEYS, 'AccountId'], 'the same credential, now with AccountId last');
  t.match(after, { AccountId: '333344445555', AccessKeyId: credential.accessKeyId }, 'the learned account');
  t.match(JSON.parse(documents.container(credential).body), { AccountId: '333344445555' }, 'the container document too');
  t.notOk('RoleArn' in (JSON.parse(documents.container(credential).body) as object), 'still no RoleArn: none is known');
  t.equal(documents.legacy(credential).body, documents.legacy(credential).body, 'the legacy document never names it');
  t.notMatch(documents.legacy(credential).body, /AccountId/, 'the legacy document has no AccountId');
});
