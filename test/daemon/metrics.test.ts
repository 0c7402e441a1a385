import t from 'tap';
import { createMetrics } from '../../src/daemon/metrics.js';
import { FakeClock } from '../support/fake-clock.js';

t.test('issue 15: prom-client is loaded at the first scrape, and nothing observed before is lost', async (t) => {
  let loads = 0;
  const clock = new FakeClock();
  const metrics = createMetrics(clock, () => [{ roleName: 'dev', expiresAtMs: () => clock.now() + 60_000, tokenCount: () => 3 }], async () => {
    loads += 1;
    return import('prom-client');
  });
  metrics.observeRefresh('dev', { ok: true, durationMs: 120 });
  metrics.observeRefresh('dev', { ok: false, code: 'IMDSD_ERR_STS_THROTTLED', durationMs: 30 });
  for (let i = 0; i < 5; i += 1) metrics.observeRequest('dev', 'credentials', 200);
  t.equal(loads, 0, 'observing does not load prom-client');

  const first = await metrics.render();
  t.equal(loads, 1, 'the first scrape loads it');
  t.match(first.contentType, /text\/plain/, 'Prometheus text format');
  t.match(first.text, /imdsd_refreshes_total\{role="dev",result="success",code=""\} 1/, 'the success counted before the scrape');
  t.match(first.text, /imdsd_refreshes_total\{role="dev",result="failure",code="IMDSD_ERR_STS_THROTTLED"\} 1/, 'and the failure');
  t.notMatch(first.text, /result="failure",code=""/, 'no empty series made up by the replay');
  t.match(first.text, /imdsd_imds_requests_total\{role="dev",route="credentials",status="200"\} 5/, 'requests counted before the scrape');
  t.match(first.text, /imdsd_sts_request_duration_seconds_count\{role="dev",result="success"\} 1/, 'the STS duration kept');
  t.match(first.text, /imdsd_sts_request_duration_seconds_sum\{role="dev",result="success"\} 0\.12/, 'with its value');
  t.match(first.text, /imdsd_credential_expiry_seconds\{role="dev"\} 60/, 'gauges read at scrape time');
  t.match(first.text, /imdsd_imds_tokens\{role="dev"\} 3/, 'live tokens');

  metrics.observeRequest('dev', 'credentials', 200);
  const second = await metrics.render();
  t.equal(loads, 1, 'loaded once');
  t.match(second.text, /imdsd_imds_requests_total\{role="dev",route="credentials",status="200"\} 6/, 'later observations go straight on');
});
