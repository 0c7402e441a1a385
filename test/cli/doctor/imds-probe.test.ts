import t from 'tap';
import { probeImds } from '../../../src/cli/doctor/imds-probe.js';
import { codedError, fakeImds } from '../../support/doctor-fakes.js';

const base = new URL('http://localhost:1338/some/path');

t.test('the IMDSv2 sequence, as the SDKs run it, timed per step', async (t) => {
  const imds = fakeImds({ latencyMs: [10, 20, 30] });
  const result = await probeImds(base, imds.request, imds.monotonic);
  t.match(result, { ok: true, roleName: 'dev', expiration: '2026-11-21T12:50:00Z' }, 'the role and the expiry');
  t.same(result.steps.map((s) => [s.name, s.ms]), [
    ['PUT /latest/api/token', 10], ['GET /latest/meta-data/iam/security-credentials/', 20], ['GET /latest/meta-data/iam/security-credentials/dev', 30],
  ], 'three steps, each timed');
  t.same(imds.calls.map((c) => c.url), [
    'http://localhost:1338/latest/api/token', 'http://localhost:1338/latest/meta-data/iam/security-credentials/',
    'http://localhost:1338/latest/meta-data/iam/security-credentials/dev',
  ], 'absolute paths on the endpoint\'s host and port, as JS v3 builds them');
  t.same(imds.calls[0]?.init.headers, { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' }, 'the TTL the SDKs ask');
  t.same(imds.calls[2]?.init.headers, { 'x-aws-ec2-metadata-token': 'token-123' }, 'the token on each GET');
  t.equal(imds.calls[0]?.init.timeoutMs, 5000, 'waits past 1 s so slowness is measured, not just a timeout');
});

t.test('each way the sequence can fail names the step', async (t) => {
  const run = (replies: Parameters<typeof fakeImds>[0]) => {
    const imds = fakeImds(replies);
    return probeImds(base, imds.request, imds.monotonic);
  };
  t.match(await run({ replies: { 0: codedError('ECONNREFUSED') } }), { ok: false, step: 'PUT /latest/api/token', reason: 'connection refused', kind: 'refused' }, 'refused');
  t.match(await run({ replies: { 0: codedError('UND_ERR', 'TimeoutError') } }), { kind: 'timeout', reason: 'no answer within 5 s' }, 'timeout');
  t.match(await run({ replies: { 1: codedError('UND_ERR', 'AbortError') } }), { kind: 'timeout', step: 'GET /latest/meta-data/iam/security-credentials/' }, 'abort');
  t.match(await run({ replies: { 0: codedError('ECONNRESET') } }), { kind: 'network', reason: 'Error ECONNRESET' }, 'another network error');
  const nonError = fakeImds({});
  const thrown = await probeImds(base, () => Promise.reject('weird'), nonError.monotonic);
  t.match(thrown, { kind: 'network', reason: 'weird' }, 'a non-Error');
  t.match(await run({ replies: { 0: { status: 403, body: 'Forbidden' } } }), { kind: 'status', reason: 'answered 403' }, 'a status');
  t.match(await run({ replies: { 2: { status: 503, body: '{"Code":"IMDSD_ERR_NO_CREDENTIAL_YET","Message":"no credential yet"}' } } }),
    { kind: 'status', reason: 'answered 503: IMDSD_ERR_NO_CREDENTIAL_YET: no credential yet' }, 'an error document');
  t.match(await run({ replies: { 2: { status: 500, body: '{"Code":"X"}' } } }), { reason: 'answered 500: X' }, 'a code without a message');
  t.match(await run({ replies: { 2: { status: 500, body: '{"nothing":1}' } } }), { reason: 'answered 500' }, 'JSON that is not an error document');
  t.match(await run({ replies: { 0: { status: 200, body: '' } } }), { kind: 'answer', reason: 'answered an empty token' }, 'an empty token');
  t.match(await run({ replies: { 1: { status: 200, body: '' } } }), { kind: 'answer', reason: 'lists no role' }, 'no role');
  t.match(await run({ replies: { 2: { status: 200, body: 'not json' } } }), { kind: 'answer', step: 'GET /latest/meta-data/iam/security-credentials/dev' }, 'not JSON');
  t.match(await run({ replies: { 2: { status: 200, body: '{"Code":"Success","AccessKeyId":"A"}' } } }), { kind: 'answer', reason: /cannot use/ }, 'incomplete');
  t.match(await run({ replies: { 2: { status: 200, body: 'null' } } }), { kind: 'answer' }, 'null');
  const failed = await run({ latencyMs: [7], replies: { 0: codedError('ECONNREFUSED') } });
  t.same(failed.steps, [{ name: 'PUT /latest/api/token', ms: 7 }], 'a failed step is timed too');
});

t.test('botocore reads the whole body as the role name, the others the first line: the first line is used', async (t) => {
  const imds = fakeImds({ roleName: 'dev\nops' });
  const result = await probeImds(base, imds.request, imds.monotonic);
  t.match(result, { ok: true, roleName: 'dev' }, 'first line');
});
