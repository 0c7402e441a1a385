/**
 * Where the credentials that call AssumeRole come from. Every kind is an
 * @aws-sdk/credential-providers provider, so SSO, credential_process, web identity and
 * chained profiles behave exactly as they do in the AWS CLI and SDKs.
 */
import {
  fromContainerMetadata,
  fromEnv,
  fromIni,
  fromInstanceMetadata,
  fromNodeProviderChain,
} from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@aws-sdk/types';

export type SourceSpec =
  /** The standard chain of the daemon's own environment (env vars, AWS_PROFILE, SSO, process, …). */
  | { readonly kind: 'chain' }
  /** A shared-config profile, resolved the way the SDK resolves it (it may itself chain). */
  | { readonly kind: 'profile'; readonly profile: string }
  /** `credential_source` of a role profile. */
  | { readonly kind: 'Environment' | 'Ec2InstanceMetadata' | 'EcsContainer' }
  /** A profile's own key pair, when its source_profile names itself. */
  | { readonly kind: 'static'; readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string | undefined };

export function sourceProvider(spec: SourceSpec): AwsCredentialIdentityProvider {
  switch (spec.kind) {
    case 'chain':
      return fromNodeProviderChain();
    case 'profile':
      return fromIni({ profile: spec.profile });
    case 'Environment':
      return fromEnv();
    case 'Ec2InstanceMetadata':
      return fromInstanceMetadata({ maxRetries: 1, timeout: 1000 });
    case 'EcsContainer':
      return fromContainerMetadata({ maxRetries: 1, timeout: 1000 });
    case 'static': {
      const identity = {
        accessKeyId: spec.accessKeyId,
        secretAccessKey: spec.secretAccessKey,
        ...(spec.sessionToken === undefined ? {} : { sessionToken: spec.sessionToken }),
      };
      return () => Promise.resolve(identity);
    }
  }
}

/** How the source is named in logs and hints: never a key. */
export function sourceLabel(spec: SourceSpec): string {
  switch (spec.kind) {
    case 'chain':
      return 'the default credential chain';
    case 'profile':
      return `source profile ${spec.profile}`;
    case 'static':
      return 'the profile\'s own keys';
    default:
      return `credential_source ${spec.kind}`;
  }
}
