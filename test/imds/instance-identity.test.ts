import t from 'tap';
import { createInstanceDescriber, describeInstance, ec2Architecture, instanceProfileIdOf, partitionOf } from '../../src/imds/instance-identity.js';
import { IDENTITY, T0_MS } from '../support/imds-fakes.js';

t.test('ids are derived from the role ARN, stable and distinct', async (t) => {
  const one = describeInstance(IDENTITY, T0_MS, 'x64');
  const again = describeInstance(IDENTITY, T0_MS + 1000, 'x64');
  const other = describeInstance({ ...IDENTITY, roleArn: 'arn:aws:iam::123456789012:role/other' }, T0_MS, 'x64');
  t.match(one.instanceId, /^i-[0-9a-f]{17}$/, 'i- and 17 hex digits');
  t.match(one.imageId, /^ami-[0-9a-f]{17}$/, 'ami- and 17 hex digits');
  t.equal(again.instanceId, one.instanceId, 'the same role gives the same instance id');
  t.not(other.instanceId, one.instanceId, 'another role gives another instance id');
  t.not(one.imageId.slice(4), one.instanceId.slice(2), 'image and instance ids are not the same digits');
  t.match(instanceProfileIdOf(IDENTITY.roleArn), /^AIPA[A-Z2-7]{17}$/, 'AIPA and 17 upper-case characters');
  t.equal(instanceProfileIdOf(IDENTITY.roleArn), instanceProfileIdOf(IDENTITY.roleArn), 'the profile id is stable');
});

t.test('the identity document has every field Java and Go read', async (t) => {
  const instance = describeInstance(IDENTITY, Date.UTC(2026, 10, 21, 19, 30, 15, 500), 'arm64');
  const document: unknown = JSON.parse(instance.identityDocument);
  t.strictSame(
    document,
    {
      accountId: '123456789012',
      architecture: 'arm64',
      availabilityZone: 'eu-west-1a',
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId: instance.imageId,
      instanceId: instance.instanceId,
      instanceType: 't3.micro',
      kernelId: null,
      pendingTime: '2026-11-21T19:30:15Z',
      privateIp: '127.0.0.1',
      ramdiskId: null,
      region: 'eu-west-1',
      version: '2017-09-30',
    },
    'the document',
  );
  t.equal(instance.availabilityZone, 'eu-west-1a', 'the zone is the region and one letter');
  t.equal(instance.instanceType, 't3.micro', 'a plausible instance type');
});

t.test('iam/info describes an instance profile named after the role', async (t) => {
  const info: unknown = JSON.parse(describeInstance(IDENTITY, T0_MS, 'x64').iamInfo);
  t.same(Object.keys(info as object), ['Code', 'LastUpdated', 'InstanceProfileArn', 'InstanceProfileId'], 'the keys in order');
  t.strictSame(
    info,
    {
      Code: 'Success',
      LastUpdated: '2026-11-21T20:00:00Z',
      InstanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/dev-admin',
      InstanceProfileId: instanceProfileIdOf(IDENTITY.roleArn),
    },
    'Go requires Code Success',
  );
  const china: unknown = JSON.parse(describeInstance({ ...IDENTITY, roleArn: 'arn:aws-cn:iam::123456789012:role/dev-admin' }, T0_MS, 'x64').iamInfo);
  t.match(china, { InstanceProfileArn: 'arn:aws-cn:iam::123456789012:instance-profile/dev-admin' }, 'the partition follows the role');
});

t.test('helpers', async (t) => {
  t.equal(ec2Architecture('arm64'), 'arm64', 'arm64 stays arm64');
  t.equal(ec2Architecture('x64'), 'x86_64', 'x64 is x86_64 to EC2');
  t.equal(partitionOf('arn:aws-us-gov:iam::1:role/x'), 'aws-us-gov', 'the partition of an ARN');
  t.equal(partitionOf('not-an-arn'), 'aws', 'no partition means aws');
  t.equal(partitionOf('arn::iam'), 'aws', 'an empty partition means aws');
});

t.test('an account learned after start-up: the same instance, now naming its account', async (t) => {
  let identity = { roleName: 'vault', roleArn: '', accountId: '', region: 'us-east-1' };
  const describe = createInstanceDescriber(() => identity, T0_MS, 'x64');
  const before = describe();
  t.equal(describe(), before, 'described once while nothing changes');
  t.match(JSON.parse(before.identityDocument), { accountId: '' }, 'unknown at first');
  t.match(JSON.parse(before.iamInfo), { InstanceProfileArn: 'arn:aws:iam:::instance-profile/vault' }, 'iam/info without it');
  identity = { ...identity, accountId: '333344445555' };
  const after = describe();
  t.equal(describe(), after, 'described once more, then kept');
  const beforeDocument = JSON.parse(before.identityDocument) as Record<string, unknown>;
  const afterDocument = JSON.parse(after.identityDocument) as Record<string, unknown>;
  t.same(Object.keys(afterDocument), Object.keys(beforeDocument), 'the identity document keeps its shape');
  t.same({ ...afterDocument, accountId: '' }, beforeDocument, 'only the account changed');
  t.equal(afterDocument.accountId, '333344445555', 'the learned account');
  t.match(JSON.parse(after.iamInfo), { InstanceProfileArn: 'arn:aws:iam::333344445555:instance-profile/vault' }, 'iam/info names it');
  t.same([after.instanceId, after.imageId], [before.instanceId, before.imageId], 'the same instance');
});
