import t from 'tap';
import { fakeRole, fakeStatus, situation } from '../../support/doctor-fakes.js';

const roles = [fakeRole({ roleName: 'dev', port: 1338 }), fakeRole({ roleName: 'ops', port: 1339 })];
const running = { status: async () => fakeStatus(roles) };

t.test('the role is the one the endpoint reaches, else the first, unless --role names one', async (t) => {
  t.equal((await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1339/' } })).role?.roleName, 'ops', 'by port');
  t.equal((await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:9999/' } })).role?.roleName, 'dev', 'no match: the first');
  const named = await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1339/' } }, { role: 'dev' });
  t.equal(named.role?.roleName, 'dev', '--role wins over the endpoint');
  t.same(named.roles.map((r) => r.roleName), ['dev'], 'and limits the roles looked at');
  t.equal((await situation(running, { role: 'nope' })).role, undefined, 'an unknown --role selects nothing');
});

t.test('the endpoint, the probe target and the port', async (t) => {
  const fromVariable = await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: ' http://127.0.0.1:1339/ ' } });
  t.equal(fromVariable.target?.href, 'http://127.0.0.1:1339/', 'the variable, trimmed, is the target');
  t.equal(fromVariable.port, 1339, 'and its port is the one to check');
  const fromDaemon = await situation(running);
  t.equal(fromDaemon.target?.href, 'http://localhost:1338/', 'without the variable: the role\'s port');
  t.equal(fromDaemon.endpoint, undefined, 'no endpoint');
  const remote = await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://169.254.169.254/' } });
  t.equal(remote.port, 1338, 'a non-loopback endpoint does not move the port checked');
  const bad = await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'nonsense' } });
  t.match(bad.endpointError, /is not a URL/, 'an unusable variable is explained');
  t.equal(bad.target, undefined, 'and nothing is probed without a daemon');
  t.equal(bad.port, 1338, 'the default port');
  t.ok(bad.statusError instanceof Error, 'why there is no status');
  const noPort = await situation({ status: async () => fakeStatus([fakeRole({ port: undefined })]) });
  t.equal(noPort.target, undefined, 'a role that does not listen gives no target');
});

t.test('the shared files are read once, on first use', async (t) => {
  const s = await situation();
  t.equal(s.sharedFiles(), s.sharedFiles(), 'the same promise');
  t.equal((await s.sharedFiles()).config.sections, undefined, 'an empty HOME has no config');
});
