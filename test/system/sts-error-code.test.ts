import t from 'tap';
import { stsErrorCode, stsErrorName } from '../../src/system/sts-error-code.js';

t.test('the STS code of an SDK exception', async (t) => {
  t.equal(stsErrorCode(Object.assign(new Error('x'), { name: 'ExpiredTokenException' })), 'ExpiredToken', 'the class name without Exception');
  t.equal(stsErrorCode({ name: 'Whatever', Code: 'RegionDisabledException' }), 'RegionDisabled', 'Code wins over the name');
  t.equal(stsErrorName({ name: 'ThrottlingException' }), 'ThrottlingException', 'the name as spelled');
  t.equal(stsErrorCode(new Error('plain')), undefined, 'a plain Error names no code');
  t.equal(stsErrorCode('text'), undefined, 'not an object');
  t.equal(stsErrorCode(null), undefined, 'null');
});
