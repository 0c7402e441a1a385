/**
 * Issue 19: a profile served directly without aws_account_id learns its account from the
 * first credential (one GetCallerIdentity); a failed lookup is logged once and never
 * stands in the way of serving.
 */
import pino from 'pino';
import t from 'tap';
import type { Credential, RoleIdentity } from '../../src/credentials.js';
import { createAccountFill } from '../../src/refresher/account-fill.js';
import type { AccountLookup } from '../../src/refresher/caller-account.js';
import type { FailureContext } from '../../src/refresher/classify.js';
import { createRefresher } from '../../src/refresher/refresher.js';
import type { IssuedCredential } from '../../src/refresher/sts-client.js';
import { FakeClock } from '../support/fake-clock.js';

const UNKNOWN: RoleIdentity = { roleName: 'vault', roleArn: '', accountId: '', region: 'us-east-1' };
const CONTEXT: FailureContext = { roleArn: '', sourceLabel: 'source profile vault', sourceProfile: 'vault', region: 'us-east-1' };
const SECRET = 'SECRETKEY-wJalrXUtnFEMI/K7MDENG/bPxRfiCY';
const TOKEN = 'SESSIONTOKEN-IQoJb3JpZ2luX2VjEKqLL2ly079sZYrV';

function credential(n: number, nowMs = Date.UTC(2026, 10, 21, 12)): Credential {
  return { accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`, secretAccessKey: `${SECRET}-${n}`, sessionToken: `${TOKEN}-${n}`, issuedAtMs: nowMs, expiresAtMs: nowMs + 3_600_000 };
}

function captureLog(): { logger: pino.Logger; lines: string[]; events: (name: string) => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const events = (name: string) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.event === name);
  return { logger, lines, events };
}

/** An STS error as @aws-sdk/client-sts throws it. */
function stsError(code: string, status: number): Error {
  return Object.assign(new Error(`${code} (fake STS)`), { name: code, Code: code, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** A lookup whose answers the test scripts; it records the credentials it was given. */
function scriptedLookup(...answers: Array<string | Error>): { lookup: AccountLookup; seen: Credential[]; calls: Array<Promise<string>> } {
  const seen: Credential[] = [];
  const calls: Array<Promise<string>> = [];
  const lookup: AccountLookup = (given) => {
    seen.push(given);
    const answer = answers.shift() ?? new Error('no more answers scripted');
    const call = answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    calls.push(call);
    return call;
  };
  return { lookup, seen, calls };
}

t.test('the first credential fills the account in, with one lookup', async (t) => {
  const log = captureLog();
  const { lookup, seen } = scriptedLookup('333344445555');
  const fill = createAccountFill({ identity: UNKNOWN, lookup, logger: log.logger, failureContext: CONTEXT });
  t.equal(fill.identity().accountId, '', 'unknown before any credential');
  const first = credential(1);
  await fill.learnFrom(first);
  t.same(fill.identity(), { ...UNKNOWN, accountId: '333344445555' }, 'the account, and nothing else changed');
  t.equal(seen[0], first, 'looked up with the credential obtained');
  await fill.learnFrom(credential(2));
  t.equal(seen.length, 1, 'never looked up again once known');
  t.match(log.events('account-learned'), [{ role: 'vault', accountId: '333344445555' }], 'said once, at info');
});

t.test('a profile that states its account, or no lookup at all: nothing is asked', async (t) => {
  const log = captureLog();
  const { lookup, seen } = scriptedLookup('999999999999');
  const known = createAccountFill({ identity: { ...UNKNOWN, accountId: '111122223333' }, lookup, logger: log.logger, failureContext: CONTEXT });
  await known.learnFrom(credential(1));
  t.equal(known.identity().accountId, '111122223333', 'the stated account stays');
  t.equal(seen.length, 0, 'no GetCallerIdentity');
  const without = createAccountFill({ identity: UNKNOWN, logger: log.logger, failureContext: CONTEXT });
  await without.learnFrom(credential(1));
  t.equal(without.identity().accountId, '', 'without a lookup the account stays unknown');
  t.same(log.lines, [], 'and nothing is logged');
});

t.test('one lookup at a time: credentials that arrive meanwhile join it', async (t) => {
  const log = captureLog();
  let answer: (account: string) => void = () => undefined;
  const seen: Credential[] = [];
  const fill = createAccountFill({
    identity: UNKNOWN, logger: log.logger, failureContext: CONTEXT,
    lookup: (given) => {
      seen.push(given);
      return new Promise((resolve) => { answer = resolve; });
    },
  });
  const first = fill.learnFrom(credential(1));
  const second = fill.learnFrom(credential(2));
  t.equal(second, first, 'the second joins the lookup in flight');
  answer('333344445555');
  await first;
  t.equal(seen.length, 1, 'one GetCallerIdentity');
  t.equal(fill.identity().accountId, '333344445555', 'filled in');
});

t.test('a failed lookup is logged once with its code, retried with the next credential only', async (t) => {
  const log = captureLog();
  const { lookup, seen } = scriptedLookup(stsError('InvalidClientTokenId', 403), stsError('ServiceUnavailable', 503), '333344445555');
  const fill = createAccountFill({ identity: UNKNOWN, lookup, logger: log.logger, failureContext: CONTEXT });
  await fill.learnFrom(credential(1));
  t.equal(fill.identity().accountId, '', 'still unknown after a failure');
  t.equal(seen.length, 1, 'no retry of its own');
  await fill.learnFrom(credential(2));
  t.equal(fill.identity().accountId, '', 'still unknown after a second failure');
  const failures = log.events('account-unknown');
  t.match(failures, [
    { level: 40, role: 'vault', code: 'IMDSD_ERR_SOURCE_CREDENTIALS_INVALID', failures: 1 },
    { level: 20, code: 'IMDSD_ERR_STS_UNAVAILABLE', failures: 2 },
  ], 'the first failure warns with its code; the next is debug only');
  t.equal(log.lines.filter((line) => /"level":(40|50)/.test(line)).length, 1, 'one warning in all');
  await fill.learnFrom(credential(3));
  t.equal(fill.identity().accountId, '333344445555', 'the next credential tells it');
  t.notMatch(log.lines.join(''), /SECRETKEY|SESSIONTOKEN|ASIAFAKE\d{12}/, 'no secret, token or key id in any line');
});

t.test('through the refresher: serving never waits for, nor fails with, the lookup', async (t) => {
  const clock = new FakeClock();
  const log = captureLog();
  const { lookup, calls } = scriptedLookup(stsError('ExpiredToken', 400), '333344445555');
  let n = 0;
  const issue = async (): Promise<IssuedCredential> => {
    n += 1;
    return { accessKeyId: `ASIAFAKE${String(n).padStart(12, '0')}`, secretAccessKey: `${SECRET}-${n}`, sessionToken: `${TOKEN}-${n}`, expiresAtMs: clock.now() + 3_600_000 };
  };
  const refresher = createRefresher({
    identity: UNKNOWN, issue: issue, clock, logger: log.logger, failureContext: CONTEXT, ticker: () => () => undefined, lookupAccount: lookup,
  });
  t.teardown(() => refresher.stop());
  const started = await refresher.start();
  t.ok(started.ok, 'the first credential is obtained');
  t.equal(calls.length, 1, 'and one GetCallerIdentity started with it');
  await t.rejects(calls[0] as Promise<string>, 'which fails');
  const served = await refresher.get();
  t.ok(served.ok, 'the credential is served all the same');
  t.equal(refresher.identity.accountId, '', 'with the account unknown');
  t.equal(log.events('account-unknown').length, 1, 'the failure is logged once');
  t.equal(log.events('refresh-failed').length, 0, 'and is no refresh failure');
  t.equal(calls.length, 1, 'no retry before the next refresh');
  const refreshed = await refresher.refreshNow();
  t.ok(refreshed.ok, 'the next refresh');
  await calls[1];
  t.equal(refresher.identity.accountId, '333344445555', 'fills the account in');
  t.same({ ...refresher.identity, accountId: '' }, UNKNOWN, 'the rest of the identity is as started');
});

t.test('a credential carried over a reload tells the account without waiting for a refresh', async (t) => {
  const clock = new FakeClock();
  const log = captureLog();
  const { lookup, calls, seen } = scriptedLookup('333344445555');
  const refresher = createRefresher({
    identity: UNKNOWN, issue: () => Promise.reject(new Error('not called')), clock, logger: log.logger, failureContext: CONTEXT,
    ticker: () => () => undefined, lookupAccount: lookup,
  });
  t.teardown(() => refresher.stop());
  const carried = credential(7, clock.now());
  refresher.adopt(carried);
  await refresher.start();
  await calls[0];
  t.equal(seen[0], carried, 'looked up with the carried credential');
  t.equal(refresher.identity.accountId, '333344445555', 'filled in');
});
