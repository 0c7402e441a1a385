import t from 'tap';
import { toImdsTimestamp } from '../../src/imds/imds-timestamp.js';

t.test('formats epoch ms as UTC to the second with a Z', async (t) => {
  t.equal(toImdsTimestamp(Date.UTC(2026, 10, 21, 20, 0, 0)), '2026-11-21T20:00:00Z', 'whole seconds');
  t.equal(toImdsTimestamp(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), '2026-01-02T03:04:05Z', 'milliseconds are dropped, not rounded');
  t.match(toImdsTimestamp(0), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'the exact format botocore parses');
});
