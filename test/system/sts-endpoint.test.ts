import t from 'tap';
import { configuredStsEndpoint, ignoresConfiguredEndpoints, profileStsEndpoint } from '../../src/system/sts-endpoint.js';

t.test('the environment\'s STS endpoint, by the SDK\'s precedence', async (t) => {
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://sts', AWS_ENDPOINT_URL: 'http://all' }), 'http://sts', 'the service-specific one first');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL: 'http://all' }), 'http://all', 'then the global one');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: '' }), undefined, 'an empty variable is unset');
});

t.test('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS counts only as "true", as the SDK reads it (issue 12)', async (t) => {
  t.ok(ignoresConfiguredEndpoints({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), '"true"');
  t.notOk(ignoresConfiguredEndpoints({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'TRUE' }), 'not "TRUE": the SDK refuses that spelling');
  t.equal(configuredStsEndpoint({ AWS_ENDPOINT_URL_STS: 'http://sts', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), undefined, 'ignored');
});

t.test('the profile\'s endpoint only when the environment names none', async (t) => {
  t.equal(profileStsEndpoint({}, 'http://profile'), 'http://profile', 'the profile\'s');
  t.equal(profileStsEndpoint({ AWS_ENDPOINT_URL: 'http://all' }, 'http://profile'), undefined, 'the environment wins (the SDK reads it itself)');
  t.equal(profileStsEndpoint({ AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, 'http://profile'), undefined, 'none when ignored');
  t.equal(profileStsEndpoint({}, undefined), undefined, 'none configured');
});
