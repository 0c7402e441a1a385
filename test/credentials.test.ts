/** The ARN helpers and the key-id tail every log line and answer uses. */
import t from 'tap';
import { accountIdOfArn, keyIdTail, roleNameOfArn } from '../src/credentials.js';

/** [ARN, its account, its role name, what it is]. */
const ARNS: ReadonlyArray<readonly [string, string | undefined, string | undefined, string]> = [
  ['arn:aws:iam::123456789012:role/dev', '123456789012', 'dev', 'a role'],
  ['arn:aws:iam::123456789012:role/team/ci/deploy', '123456789012', 'deploy', 'a role under a path: its last segment'],
  ['arn:aws-cn:iam::210987654321:user/ci', '210987654321', undefined, 'another partition, a user: no role'],
  ['arn:aws:iam::12345678901:role/dev', undefined, 'dev', 'eleven digits: no account'],
  ['arn:aws:iam::12345678901a:role/dev', undefined, 'dev', 'a letter: no account'],
  ['arn:aws:iam::aws:policy/ReadOnlyAccess', undefined, undefined, 'an AWS-managed policy'],
  ['arn:aws:iam::123456789012:role/', '123456789012', undefined, 'an empty role name'],
  ['not an arn', undefined, undefined, 'no fields at all'],
];

t.test('the account (twelve digits) and the role name (the last path segment) of an IAM ARN', async (t) => {
  for (const [arn, account, role, what] of ARNS) {
    t.equal(accountIdOfArn(arn), account, `${what}: account`);
    t.equal(roleNameOfArn(arn), role, `${what}: role`);
  }
});

t.test('an access key id is shown by its last four characters only', async (t) => {
  t.equal(keyIdTail('ASIAEXAMPLE000WXYZ'), '…WXYZ', 'the tail');
  t.notMatch(keyIdTail('ASIAEXAMPLE000WXYZ'), 'ASIA', 'not the prefix');
  t.equal(keyIdTail('AB'), '…AB', 'a short one is not padded');
});
