import t from 'tap';
import { ImdsdError } from '../../src/errors.js';
import { errorAnswer, errorDocument, INTERNAL_ERROR, READ_ONLY, text, withTokenTtl } from '../../src/imds/answers.js';

t.test('errorAnswer keeps a 5xx status and joins message and hint', async (t) => {
  const answer = errorAnswer(new ImdsdError('IMDSD_ERR_ACCESS_DENIED', 'not allowed', { hint: 'check the trust policy' }));
  t.equal(answer.status, 503, 'the status of the code');
  t.strictSame(JSON.parse(answer.body), { Code: 'IMDSD_ERR_ACCESS_DENIED', Message: 'not allowed check the trust policy' }, 'the document');
});

t.test('errorAnswer never answers a source failure with a non-5xx status', async (t) => {
  // A 401 would send the SDKs back for a new token instead of reporting the failure.
  const odd = Object.assign(new ImdsdError('IMDSD_ERR_STS_UNKNOWN'), { status: 401 });
  t.equal(errorAnswer(odd).status, 503, 'a 4xx becomes 503');
  const high = Object.assign(new ImdsdError('IMDSD_ERR_STS_UNKNOWN'), { status: 600 });
  t.equal(errorAnswer(high).status, 503, 'a status past 599 becomes 503');
});

t.test('fixed answers', async (t) => {
  t.strictSame(text('x'), { status: 200, body: 'x', contentType: 'text/plain' }, 'a text answer');
  t.strictSame(withTokenTtl(text('x'), 5), { status: 200, body: 'x', contentType: 'text/plain', tokenTtlSec: 5 }, 'with a TTL');
  t.equal(READ_ONLY.allow, 'GET, HEAD', 'a 405 names the allowed methods');
  t.match(JSON.parse(INTERNAL_ERROR.body), { Code: 'IMDSD_ERR_INTERNAL' }, 'the internal error is coded');
  t.equal(errorDocument(500, 'C', 'M').body, '{"Code":"C","Message":"M"}', 'Code then Message');
});
