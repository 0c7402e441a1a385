import t from 'tap';
import { KEY_VARS, unsetKeysFix } from '../../../src/cli/doctor/env-keys.js';

t.test('the unset line names the three variables, and boto2\'s token only when it is set', async (t) => {
  t.equal(unsetKeysFix({}), 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN', 'the usual three');
  t.equal(unsetKeysFix({ AWS_SECURITY_TOKEN: 't' }), 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN', 'plus AWS_SECURITY_TOKEN');
  t.ok(KEY_VARS.includes('AWS_SECURITY_TOKEN'), 'which botocore still reads');
});
