/**
 * The make-believe instance that the served role belongs to. Java and Go read the region
 * from the identity document and Go's GetIAMInfo needs iam/info, so these must exist and
 * parse; the ids are derived from the role ARN so that they stay the same across restarts
 * and differ between roles, without claiming to be any real instance.
 */
import { createHash } from 'node:crypto';
import type { RoleIdentity } from '../credentials.js';
import { toImdsTimestamp } from './imds-timestamp.js';

export interface InstanceDescription {
  readonly instanceId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly availabilityZone: string;
  /** The JSON served at /latest/dynamic/instance-identity/document. */
  readonly identityDocument: string;
  /** The JSON served at /latest/meta-data/iam/info. */
  readonly iamInfo: string;
}

const INSTANCE_TYPE = 't3.micro';
/** Instance profile ids are `AIPA` and 17 characters of this (base32) alphabet. */
const PROFILE_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** EC2's name for the CPU architecture; imdsd runs on x86_64 or arm64 hosts. */
export function ec2Architecture(nodeArch: string): string {
  return nodeArch === 'arm64' ? 'arm64' : 'x86_64';
}

function digest(purpose: string, roleArn: string): Buffer {
  return createHash('sha256').update(`${purpose}\0${roleArn}`).digest();
}

/** `AIPA` + 17 characters, as IAM spells instance profile ids. */
export function instanceProfileIdOf(roleArn: string): string {
  const bytes = digest('instance-profile', roleArn);
  let id = 'AIPA';
  for (let i = 0; i < 17; i += 1) id += PROFILE_ID_ALPHABET.charAt(bytes.readUInt8(i) % 32);
  return id;
}

/** The ARN's partition (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it has none. */
export function partitionOf(arn: string): string {
  const partition = arn.split(':')[1];
  return partition === undefined || partition === '' ? 'aws' : partition;
}

/**
 * Describes the instance for `identity`. `startedAtMs` is served as `pendingTime` (the
 * instance's launch) and as iam/info's `LastUpdated`.
 */
export function describeInstance(identity: RoleIdentity, startedAtMs: number, nodeArch: string): InstanceDescription {
  const instanceId = `i-${digest('instance', identity.roleArn).toString('hex').slice(0, 17)}`;
  const imageId = `ami-${digest('image', identity.roleArn).toString('hex').slice(0, 17)}`;
  const availabilityZone = `${identity.region}a`;
  const identityDocument = JSON.stringify(
    {
      accountId: identity.accountId,
      architecture: ec2Architecture(nodeArch),
      availabilityZone,
      billingProducts: null,
      devpayProductCodes: null,
      marketplaceProductCodes: null,
      imageId,
      instanceId,
      instanceType: INSTANCE_TYPE,
      kernelId: null,
      pendingTime: toImdsTimestamp(startedAtMs),
      privateIp: '127.0.0.1',
      ramdiskId: null,
      region: identity.region,
      version: '2017-09-30',
    },
    null,
    2,
  );
  const iamInfo = JSON.stringify(
    {
      Code: 'Success',
      LastUpdated: toImdsTimestamp(startedAtMs),
      InstanceProfileArn: `arn:${partitionOf(identity.roleArn)}:iam::${identity.accountId}:instance-profile/${identity.roleName}`,
      InstanceProfileId: instanceProfileIdOf(identity.roleArn),
    },
    null,
    2,
  );
  return { instanceId, imageId, instanceType: INSTANCE_TYPE, availabilityZone, identityDocument, iamInfo };
}

/**
 * The description of the role's instance as it stands: a profile served directly may
 * learn its account after start-up (GetCallerIdentity), and the identity document and
 * iam/info name it from then on. Described again only when the account changes.
 */
export function createInstanceDescriber(identity: () => RoleIdentity, startedAtMs: number, nodeArch: string): () => InstanceDescription {
  let described = describeInstance(identity(), startedAtMs, nodeArch);
  let accountId = identity().accountId;
  return () => {
    const current = identity();
    if (current.accountId !== accountId) {
      described = describeInstance(current, startedAtMs, nodeArch);
      accountId = current.accountId;
    }
    return described;
  };
}
