import t from 'tap';
import { bypassesProxy, proxiesFromEnv, proxyChecks } from '../../../src/cli/doctor/proxy-checks.js';
import { fakeStatus, only, situation } from '../../support/doctor-fakes.js';

const check = async (env: Record<string, string>) => only(await proxyChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/', ...env } })), 'proxy-no-proxy');

t.test('urllib\'s reading of the proxy variables', async (t) => {
  t.same([...proxiesFromEnv({ HTTP_PROXY: 'http://a', https_proxy: 'http://b', NO_PROXY: 'x', PATH: '/bin' })], [['http', 'http://a'], ['https', 'http://b'], ['no', 'x']], 'both cases');
  t.same(proxiesFromEnv({ HTTP_PROXY: 'http://upper', http_proxy: 'http://lower' }).get('http'), 'http://lower', 'lower case wins');
  t.equal(proxiesFromEnv({ HTTP_PROXY: 'http://upper', http_proxy: '' }).has('http'), false, 'an empty lower-case variable unsets');
  t.equal(proxiesFromEnv({ HTTP_PROXY: 'http://upper', REQUEST_METHOD: 'GET' }).has('http'), false, 'HTTP_PROXY is ignored under CGI');
  t.equal(proxiesFromEnv({ http_proxy: 'http://lower', REQUEST_METHOD: 'GET' }).get('http'), 'http://lower', 'but not http_proxy');
});

t.test('urllib\'s NO_PROXY matching, which botocore uses', async (t) => {
  t.equal(bypassesProxy('localhost:1338', undefined), false, 'no NO_PROXY');
  t.equal(bypassesProxy('localhost:1338', '*'), true, '* alone');
  t.equal(bypassesProxy('localhost:1338', 'corp,*'), false, '* only as the whole value');
  t.equal(bypassesProxy('localhost:1338', 'corp, LOCALHOST'), true, 'the host, any case, spaces trimmed');
  t.equal(bypassesProxy('localhost:1338', 'localhost:1338'), true, 'host:port');
  t.equal(bypassesProxy('localhost:1338', '.localhost'), true, 'a leading dot is ignored');
  t.equal(bypassesProxy('imds.localhost:1338', 'localhost'), true, 'a domain suffix');
  t.equal(bypassesProxy('mylocalhost:1338', 'localhost'), false, 'but not a bare suffix');
  t.equal(bypassesProxy('127.0.0.1:1338', '127.0.0.0/8'), false, 'no CIDR ranges');
  t.equal(bypassesProxy('[::1]:1338', '::1'), false, 'urllib keeps the brackets of an IPv6 host');
  t.equal(bypassesProxy('[::1]:1338', '[::1]'), true, 'so the bracketed form matches');
  t.equal(bypassesProxy('localhost', ',,localhost'), true, 'empty entries are skipped; a host without a port');
});

t.test('the finding', async (t) => {
  t.match(await check({}), { level: 'ok', title: 'no http proxy is set for the IMDS endpoint' }, 'no proxy');
  t.match(await check({ HTTPS_PROXY: 'http://proxy:3128' }), { level: 'ok', detail: 'https proxies do not apply to an http:// endpoint' }, 'only an https proxy');
  t.match(await check({ HTTP_PROXY: 'http://user:pw@proxy:3128' }), {
    level: 'problem', title: 'HTTP_PROXY is set and NO_PROXY does not cover localhost: botocore and the AWS CLI send IMDS calls to the proxy', fix: 'eval "$(imdsd env)"',
  }, 'a proxy without NO_PROXY');
  t.notMatch(JSON.stringify(await check({ HTTP_PROXY: 'http://user:pw@proxy:3128' })), /pw@/, 'the proxy URL (and its password) is never shown');
  t.match(await check({ http_proxy: 'http://proxy:3128', NO_PROXY: 'corp.example' }), { level: 'problem', title: /^http_proxy is set/ }, 'NO_PROXY without loopback');
  t.match(await check({ Http_Proxy: 'http://proxy:3128' }), { level: 'problem', title: /^Http_Proxy is set/ }, 'names the variable as written');
  t.match(await check({ HTTP_PROXY: 'http://a', Http_Proxy: 'http://b' }), { level: 'problem', title: /^HTTP_PROXY\/Http_Proxy is set/ }, 'several spellings');
  t.match(await check({ HTTP_PROXY: 'http://proxy:3128', NO_PROXY: 'corp.example,localhost,127.0.0.1,::1' }),
    { level: 'ok', title: 'HTTP_PROXY is set and NO_PROXY covers localhost: IMDS calls go direct' }, 'what imdsd env writes');
  t.match(await check({ HTTP_PROXY: 'http://proxy:3128', no_proxy: 'localhost', NO_PROXY: 'corp' }), { level: 'ok' }, 'lower-case no_proxy wins');
});

t.test('without the variable: the daemon\'s port, else 1338', async (t) => {
  const daemon = only(await proxyChecks(await situation({ status: async () => fakeStatus(), env: { HTTP_PROXY: 'http://p', NO_PROXY: 'localhost:1338' } })), 'proxy-no-proxy');
  t.match(daemon, { level: 'ok' }, 'the role\'s endpoint');
  const none = only(await proxyChecks(await situation({ env: { HTTP_PROXY: 'http://p', NO_PROXY: 'localhost:1338' } })), 'proxy-no-proxy');
  t.match(none, { level: 'ok' }, 'the default endpoint');
});
