/** Offline, wrong region and wrong endpoint told apart (issue 13). */
import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { CONTROL_HOST, diagnoseNetwork, dnsProbe, systemCodeOf, withNetworkDiagnosis } from '../../src/refresher/network.js';

const unresolved = Object.assign(new Error('getaddrinfo ENOTFOUND sts.xx-fake-1.amazonaws.com'), { code: 'ENOTFOUND', hostname: 'sts.xx-fake-1.amazonaws.com' });
const context = (online: boolean, endpointConfigured = false) => ({
  service: 'STS', region: 'xx-fake-1', endpointConfigured, probe: async (host: string) => host === CONTROL_HOST && online,
});

t.test('a name that does not resolve while nothing resolves: offline', async (t) => {
  const error = await diagnoseNetwork(unresolved, context(false));
  t.match(error, { code: 'IMDSD_ERR_OFFLINE', hint: /retries quietly/ }, 'offline, retried quietly');
});

t.test('a name that does not resolve while the network works: the region or the endpoint', async (t) => {
  t.match(await diagnoseNetwork(unresolved, context(true)), { code: 'IMDSD_ERR_REGION', message: /sts\.xx-fake-1\.amazonaws\.com.*xx-fake-1/ },
    'a wrong region, naming host and region');
  t.match(await diagnoseNetwork(unresolved, context(true, true)), { code: 'IMDSD_ERR_ENDPOINT', hint: /endpoint_url/ }, 'a wrong configured endpoint');
});

t.test('no route to any host is offline without asking DNS', async (t) => {
  const wrapped = { message: 'outer', cause: Object.assign(new Error('connect ENETUNREACH'), { code: 'ENETUNREACH' }) };
  t.equal(systemCodeOf(wrapped), 'ENETUNREACH', 'found in the cause chain');
  t.match(await diagnoseNetwork(wrapped, context(true)), { code: 'IMDSD_ERR_OFFLINE' }, 'offline');
  t.equal(await diagnoseNetwork(new Error('other'), context(true)), undefined, 'anything else is not diagnosed here');
});

t.test('the wrapper passes successes and other errors through', async (t) => {
  const issued = { accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T', expiresAtMs: 1 };
  t.equal(await withNetworkDiagnosis(async () => issued, context(true))(undefined), issued, 'success');
  const other = new ImdsdError('IMDSD_ERR_STS_THROTTLED');
  await t.rejects(withNetworkDiagnosis(async () => { throw other; }, context(true))(undefined), other, 'other errors as they are');
  await t.rejects(withNetworkDiagnosis(async () => { throw unresolved; }, context(false))(undefined), { code: 'IMDSD_ERR_OFFLINE' }, 'diagnosed');
});

t.test('the real probe answers false for a name that cannot exist', async (t) => {
  t.equal(await dnsProbe('imdsd-test.invalid'), false, '.invalid never resolves');
});
