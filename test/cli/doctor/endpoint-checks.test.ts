import t from 'tap';
import { endpointChecks } from '../../../src/cli/doctor/endpoint-checks.js';
import { fakeRole, fakeStatus, only, situation } from '../../support/doctor-fakes.js';

const roles = [fakeRole({ roleName: 'dev', port: 1338 }), fakeRole({ roleName: 'ops', port: 1339 })];
const running = { status: async () => fakeStatus(roles) };
const check = async (env: Record<string, string>, role?: string, status = running) =>
  only(endpointChecks(await situation({ ...status, env }, { role })), 'env-endpoint');

t.test('missing or unusable: SDKs never reach imdsd', async (t) => {
  t.match(await check({}), { level: 'problem', title: 'AWS_EC2_METADATA_SERVICE_ENDPOINT is not set: SDKs call 169.254.169.254, not imdsd', fix: 'eval "$(imdsd env)"' }, 'missing');
  t.match(await check({}, 'ops'), { fix: 'eval "$(imdsd env --role ops)"' }, 'the fix names --role when given');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'https://localhost:1338/' }), { level: 'problem', title: /not an http:\/\/ URL/ }, 'https');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://169.254.169.254/' }), { level: 'problem', title: /points at 169\.254\.169\.254, not at imdsd on loopback/ }, 'real IMDS');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://169.254.169.254/' }, undefined, { status: async () => Promise.reject(new Error('down')) }),
    { level: 'problem', title: /not at imdsd on loopback/ }, 'real IMDS, no daemon');
});

t.test('the port must be the role\'s', async (t) => {
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' }), { level: 'ok', title: 'AWS_EC2_METADATA_SERVICE_ENDPOINT=http://localhost:1338/ reaches role dev' }, 'right port');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[::1]:1339/' }), { level: 'ok', title: /reaches role ops/ }, 'another role\'s port, IPv6 loopback');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }), {
    level: 'problem', title: 'AWS_EC2_METADATA_SERVICE_ENDPOINT=http://localhost:1400/ points at port 1400, where no role of imdsd listens (served: dev on 1338, ops on 1339)',
    fix: 'eval "$(imdsd env)"',
  }, 'a port nobody serves');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1339/' }, 'dev'), {
    level: 'problem', title: /points at port 1339 \(role ops\), not at role dev's port 1338/, fix: 'eval "$(imdsd env --role dev)"',
  }, 'another role\'s port when --role names one');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, 'dev'), { title: /points at port 1400, not at role dev's port 1338/ }, 'a free port with --role');
  const portless = { status: async () => fakeStatus([fakeRole({ port: undefined })]) };
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, undefined, portless), { title: /served: dev on no port/ }, 'a role without a port');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, 'dev', portless), { title: /not at role dev's port none/ }, 'named role without a port');
});

t.test('a daemon listening on another address', async (t) => {
  const lan = { status: async () => fakeStatus([fakeRole({ addresses: ['192.168.1.5'] })]) };
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://192.168.1.5:1338/' }, undefined, lan), { level: 'ok' }, 'an address the role listens on');
  const v6 = { status: async () => fakeStatus([fakeRole({ addresses: ['fd00::5'] })]) };
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://[fd00::5]:1338/' }, undefined, v6), { level: 'ok' }, 'an IPv6 one, brackets aside');
});

t.test('without a daemon, or without the role', async (t) => {
  const none = endpointChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' } }));
  t.match(only(none, 'env-endpoint'), { level: 'ok', title: /its port is not checked: imdsd is not running/ }, 'nothing to compare with');
  const unknown = endpointChecks(await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' } }, { role: 'nope' }));
  t.same(unknown, [], 'an unknown --role is reported by the daemon checks');
});

t.test('not needed when the container-credentials variables reach imdsd', async (t) => {
  const findings = endpointChecks(await situation({ ...running, env: { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1339/v1/credentials/ops' } }));
  t.match(only(findings, 'env-endpoint'), { level: 'ok', title: /not needed: the container-credentials variables reach role ops/ }, 'ECS in use');
});

t.test('issue 14: in link-local mode no variable is needed', async (t) => {
  const linkLocal = { status: async () => fakeStatus([fakeRole({ port: 80, addresses: ['169.254.169.254'], linkLocal: true })]) };
  t.match(await check({}, undefined, linkLocal), { level: 'ok', title: 'AWS_EC2_METADATA_SERVICE_ENDPOINT is not set, and not needed: in link-local mode SDKs reach role dev at http://169.254.169.254/' }, 'unset is right');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://169.254.169.254/' }, undefined, linkLocal), { level: 'ok', title: /reaches role dev \(link-local mode: the variable is not needed\)/ }, 'the address itself is fine');
  t.match(await check({ AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' }, undefined, linkLocal), { level: 'problem', title: /port 1338, where no role of imdsd listens/ }, 'a leftover loopback endpoint is a problem');
});
