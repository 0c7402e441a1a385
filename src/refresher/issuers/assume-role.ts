/**
 * One role's AssumeRole call: the parameters fixed per role, the duration per attempt
 * (the refresher lowers it to 3600 s when role chaining refuses more).
 */
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { createStsSender, type StsClientOptions } from '../sts-client.js';
import type { Issuer } from './issuer.js';

export interface StsCallOptions extends StsClientOptions {
  readonly roleArn: string;
  readonly sessionName: string;
  readonly externalId?: string | undefined;
}

/** Builds the AssumeRole issuer of one role; the STS client is created once. */
export function createAssumeRoleIssue(options: StsCallOptions): Issuer {
  const send = createStsSender(options);
  return (durationSec) => send('AssumeRole', (client, abortSignal) => client.send(new AssumeRoleCommand({
    RoleArn: options.roleArn,
    RoleSessionName: options.sessionName,
    ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
    ...(durationSec === undefined ? {} : { DurationSeconds: durationSec }),
  }), { abortSignal }));
}
