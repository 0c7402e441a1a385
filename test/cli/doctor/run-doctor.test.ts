import t from 'tap';
import { runDoctor } from '../../../src/cli/doctor/run-doctor.js';
import { doctorDeps, fakeImds, fakeStatus, writeHomeFile, tempHome } from '../../support/doctor-fakes.js';

t.test('a healthy setup: every check in order, none a problem', async (t) => {
  const findings = await runDoctor(doctorDeps({
    status: async () => fakeStatus(), ...fakeImds(), findPortOwner: async () => ({ pid: 4242, command: 'node imdsd run' }),
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' },
  }), { checkEnvCredentials: false });
  t.same(findings.map((f) => `${f.id}:${f.level}`), [
    'daemon-running:ok', 'daemon-credential:ok', 'daemon-last-error:ok',
    'imds-reachable:ok', 'imds-latency:ok',
    'env-static-keys:ok', 'env-endpoint:ok',
    'proxy-no-proxy:ok',
    'shared-profile:ok',
    'cache-cli:ok', 'cache-sso:ok',
    'clock-offset:ok',
    'port-owner:ok',
  ], 'daemon, IMDS, environment, proxies, shared files, caches, clock, port');
});

t.test('a messy shell: each cause reported, none stopping the others', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.aws/credentials', '[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n', 0o644);
  const findings = await runDoctor(doctorDeps({
    home, env: { AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't', HTTP_PROXY: 'http://proxy:3128' },
  }), { checkEnvCredentials: false });
  t.same(findings.filter((f) => f.level !== 'ok').map((f) => `${f.id}:${f.level}`), [
    'daemon-running:problem', 'env-static-keys:problem', 'env-credentials-expiry:warning', 'env-endpoint:problem',
    'proxy-no-proxy:problem', 'shared-static-keys:problem', 'shared-file-mode:problem',
  ], 'every cause');
});
