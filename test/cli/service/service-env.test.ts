import t from 'tap';
import { serviceEnvironment } from '../../../src/cli/service/service-env.js';

t.test('PATH keeps only absolute entries, HOME is set unless systemd sets it from User=', async (t) => {
  const { env } = serviceEnvironment({ PATH: '/opt/homebrew/bin:.:bin:/usr/bin:/opt/homebrew/bin' }, '/w', '/Users/me');
  t.same(env, [['PATH', '/opt/homebrew/bin:/usr/bin'], ['HOME', '/Users/me']], 'relative and repeated PATH entries are dropped');
  t.same(serviceEnvironment({}, '/w', undefined).env, [['PATH', '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin']],
    'no PATH: the usual system directories; no HOME for a system unit');
  t.same(serviceEnvironment({ PATH: 'only/relative' }, '/w', undefined).env[0], ['PATH', '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin'],
    'a PATH with nothing absolute falls back too');
});

t.test('the variables that choose credentials are copied when set, relative file paths made absolute', async (t) => {
  const { env, warnings } = serviceEnvironment({
    PATH: '/usr/bin', AWS_PROFILE: 'dev', AWS_CONFIG_FILE: 'aws/config', AWS_SHARED_CREDENTIALS_FILE: '/abs/credentials',
    AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: '', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9000', NODE_EXTRA_CA_CERTS: 'ca.pem',
    HTTPS_PROXY: 'http://proxy:3128', no_proxy: 'internal', UNRELATED: 'x',
  }, '/home/me/work', '/home/me');
  t.same(env, [
    ['PATH', '/usr/bin'], ['HOME', '/home/me'], ['AWS_PROFILE', 'dev'], ['AWS_CONFIG_FILE', '/home/me/work/aws/config'],
    ['AWS_SHARED_CREDENTIALS_FILE', '/abs/credentials'], ['AWS_REGION', 'eu-west-1'], ['AWS_ENDPOINT_URL_STS', 'http://127.0.0.1:9000'],
    ['NODE_EXTRA_CA_CERTS', '/home/me/work/ca.pem'], ['HTTPS_PROXY', 'http://proxy:3128'], ['no_proxy', 'internal'],
  ], 'in a stable order; empty and unrelated variables are left out');
  t.same(warnings, [], 'nothing to warn about');
});

t.test('secrets are never copied, and the user is told', async (t) => {
  const { env, warnings } = serviceEnvironment({
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret', AWS_SESSION_TOKEN: '', HTTP_PROXY: 'http://me:pw@proxy:3128',
  }, '/w', '/h');
  t.same(env.map(([name]) => name), ['PATH', 'HOME'], 'neither keys nor a proxy with a password');
  t.equal(warnings.length, 2, 'two notes');
  t.match(warnings[0], /^HTTP_PROXY is not copied .* holds a password/, 'the proxy with a password is named');
  t.match(warnings[1], /^AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are set in this shell but not copied/, 'the keys are named, plural');
  t.notMatch(warnings.join('\n'), /AKIAEXAMPLE|secret\b|pw@/, 'no secret value appears in a note');
  t.match(serviceEnvironment({ AWS_SESSION_TOKEN: 't' }, '/w', '/h').warnings[0], /^AWS_SESSION_TOKEN is set in this shell/, 'singular');
});
