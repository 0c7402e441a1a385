import t from 'tap';
import { imdsChecks } from '../../../src/cli/doctor/imds-checks.js';
import { codedError, fakeImds, fakeRole, fakeStatus, only, situation } from '../../support/doctor-fakes.js';

const running = { status: async () => fakeStatus() };

t.test('a healthy endpoint: reachable and fast', async (t) => {
  const imds = fakeImds({ latencyMs: [4, 3, 5] });
  const findings = await imdsChecks(await situation({ ...running, ...imds }));
  t.match(only(findings, 'imds-reachable'), { level: 'ok', title: 'http://localhost:1338/ answers the IMDSv2 sequence (token, role list, credential of dev)' }, 'reachable');
  t.match(only(findings, 'imds-latency'), { level: 'ok', title: 'IMDS answered the sequence in 12 ms (slowest: GET /latest/meta-data/iam/security-credentials/dev, 5 ms)' }, 'fast');
});

t.test('nothing to probe without the variable or a daemon', async (t) => {
  t.same(await imdsChecks(await situation()), [], 'no findings');
});

t.test('latency against the SDKs\' timeouts', async (t) => {
  const slow = await imdsChecks(await situation({ ...running, ...fakeImds({ latencyMs: [1200, 3, 3] }) }));
  t.match(only(slow, 'imds-latency'), { level: 'problem', title: 'the slowest answer (PUT /latest/api/token) took 1200 ms: the SDKs give up after 1 s', fix: /restart imdsd/ }, '> 1 s');
  const sluggish = await imdsChecks(await situation({ ...running, ...fakeImds({ latencyMs: [3, 700, 3] }) }));
  t.match(only(sluggish, 'imds-latency'), { level: 'warning', title: /took 700 ms: the Go SDK waits only 500 ms/ }, '> 500 ms');
});

t.test('failures, each with its fix', async (t) => {
  const refusedNoDaemon = await imdsChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' }, ...fakeImds({ replies: { 0: codedError('ECONNREFUSED') } }) }));
  t.match(only(refusedNoDaemon, 'imds-reachable'), { level: 'problem', title: 'http://localhost:1338/: PUT /latest/api/token connection refused', fix: /imdsd run/ }, 'refused, no daemon');
  const refused = await imdsChecks(await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, ...fakeImds({ replies: { 0: codedError('ECONNREFUSED') } }) }, { role: 'dev' }));
  t.match(only(refused, 'imds-reachable'), { fix: 'eval "$(imdsd env --role dev)"' }, 'refused on a wrong port: set the endpoint again');
  const timeout = await imdsChecks(await situation({ ...running, ...fakeImds({ replies: { 0: codedError('X', 'TimeoutError') } }) }));
  t.match(only(timeout, 'imds-reachable'), { title: /no answer within 5 s/, fix: /restart imdsd/ }, 'timeout');
  const hinted = fakeStatus([fakeRole({ lastError: { code: 'IMDSD_ERR_ACCESS_DENIED', message: 'denied', hint: 'fix the trust policy' } })]);
  const status = await imdsChecks(await situation({ status: async () => hinted, ...fakeImds({ replies: { 2: { status: 503, body: '{"Code":"IMDSD_ERR_ACCESS_DENIED"}' } } }) }));
  t.match(only(status, 'imds-reachable'), { title: /answered 503: IMDSD_ERR_ACCESS_DENIED/, fix: 'fix the trust policy' }, 'an error status: the role\'s hint');
  const plain = await imdsChecks(await situation({ ...running, ...fakeImds({ replies: { 2: { status: 500, body: 'x' } } }) }));
  t.match(only(plain, 'imds-reachable'), { fix: 'imdsd status --role dev' }, 'an error status without a hint');
  const noRole = await imdsChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' }, ...fakeImds({ replies: { 0: { status: 500, body: '' } } }) }));
  t.match(only(noRole, 'imds-reachable'), { fix: 'imdsd status' }, 'without a daemon: plain status');
  const foreign = await imdsChecks(await situation({ ...running, ...fakeImds({ replies: { 1: { status: 200, body: '' } } }) }));
  t.match(only(foreign, 'imds-reachable'), { fix: 'check what listens on port 1338: it does not answer as imdsd' }, 'answers that are not imdsd\'s');
  t.same(foreign.map((f) => f.id), ['imds-reachable'], 'no latency finding for a failed sequence');
});

t.test('the endpoint serves another role than the one asked for', async (t) => {
  const findings = await imdsChecks(await situation({ ...running, ...fakeImds({ roleName: 'ops' }) }));
  t.match(only(findings, 'imds-reachable'), { level: 'problem', title: 'http://localhost:1338/ serves role ops, not dev', fix: 'eval "$(imdsd env)"' }, 'wrong role');
  const unknownRole = await imdsChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' }, ...fakeImds({ roleName: 'ops' }) }));
  t.match(only(unknownRole, 'imds-reachable'), { level: 'ok' }, 'no daemon to compare with: any role is fine');
});

t.test('a probe that throws is a warning, not a crash', async (t) => {
  const s = await situation(running);
  const broken = { ...s, deps: { ...s.deps, monotonic: () => { throw new Error('no clock'); } } };
  t.match(only(await imdsChecks(broken), 'imds-reachable'), { level: 'warning', title: 'could not check IMDS at http://localhost:1338/: no clock' }, 'guarded');
});

t.test('issue 14: link-local mode probes http://169.254.169.254/ and wants this daemon\'s credential', async (t) => {
  const role = fakeRole({ port: 80, linkLocal: true, expiresAt: '2026-11-21T12:50:00.000Z' });
  const imds = fakeImds();
  const same = await imdsChecks(await situation({ status: async () => fakeStatus([role]), ...imds }));
  t.equal(imds.calls[0]?.url, 'http://169.254.169.254/latest/api/token', 'no variable: the address every SDK calls');
  t.match(only(same, 'imds-reachable'), { level: 'ok', title: /^http:\/\/169\.254\.169\.254\/ answers the IMDSv2 sequence/ }, 'answered with the same credential');
  const other = fakeRole({ port: 80, linkLocal: true, expiresAt: '2026-11-21T13:10:00.000Z' });
  const foreign = await imdsChecks(await situation({ status: async () => fakeStatus([other]), ...fakeImds() }));
  t.match(only(foreign, 'imds-reachable'), { level: 'problem', title: /answers, but not with this daemon's credential/, fix: /sudo imdsd install --link-local/ }, 'another server at the address is found out');
});
