import t from 'tap';
import { resolveRole } from '../../src/daemon/resolve-role.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';

t.test('issue 14: link-local mode adds the IMDS addresses to the served Host names, and only it', async (t) => {
  const plain = await resolveRole({ roleArn: ARN, allowHosts: ['imds.internal'] }, 0, {});
  t.same(plain.allowHosts, ['imds.internal'], 'by default 169.254.169.254 is not a served name');
  t.equal(plain.linkLocal, false, 'not in link-local mode');
  const linkLocal = await resolveRole({ roleArn: ARN, port: 80, linkLocal: true, allowHosts: ['imds.internal'] }, 0, {});
  t.same(linkLocal.allowHosts, ['imds.internal', '169.254.169.254', 'fd00:ec2::254'], 'both IMDS addresses are served in the mode');
  t.equal(linkLocal.linkLocal, true, 'and the role says so (status, doctor)');
  t.not(linkLocal.key, plain.key, 'switching the mode is a change a reload applies');
});
