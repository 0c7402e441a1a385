/**
 * A configured role (flags or file) resolved with its profile: everything needed to run
 * it. Each kind of profile (role.ts, sso.ts, process.ts, keys.ts) fills it in and builds
 * its issuer from it.
 */
import type { Clock } from '../clock.js';
import type { CredentialSourceKind } from '../contract/control-api.js';
import type { RoleIdentity } from '../credentials.js';
import type { MfaSession } from '../refresher/mfa-session.js';
import type { ResolveProbe } from '../refresher/network.js';
import type { SourceSpec } from '../refresher/source-credentials.js';

interface IssuerOf<K extends CredentialSourceKind> {
  readonly kind: K;
}

export type SsoIssuerSpec = IssuerOf<'sso'> & {
  readonly profile: string;
  /** The `[sso-session]` name, undefined in the legacy form. */
  readonly ssoSession: string | undefined;
  readonly startUrl: string;
  readonly ssoRegion: string;
  readonly accountId: string;
  readonly ssoRoleName: string;
  /** `aws sso login --sso-session NAME` or `--profile NAME`. */
  readonly loginCommand: string;
};

export type ProcessIssuerSpec = IssuerOf<'process'> & { readonly profile: string; readonly command: string };

/** What issues the served credential; its kind is what `imdsd status` shows as `source`. */
export type IssuerSpec =
  | IssuerOf<'assume-role'>
  | SsoIssuerSpec
  | ProcessIssuerSpec
  | IssuerOf<'session-token'> & { readonly profile: string };

export interface ResolvedRole {
  readonly identity: RoleIdentity;
  readonly port: number;
  readonly host: string | undefined;
  readonly imdsV1: boolean;
  readonly allowUids: readonly number[];
  readonly allowCidrs: readonly string[];
  readonly allowHosts: readonly string[];
  readonly allowForwarded: boolean;
  /** Link-local mode: the IMDS addresses are among allowHosts. */
  readonly linkLocal: boolean;
  readonly durationSec: number | undefined;
  readonly refreshBeforeSec: number | undefined;
  readonly sessionName: string;
  readonly externalId: string | undefined;
  readonly source: SourceSpec;
  /** What issues the served credential: AssumeRole (with `source`), or a profile served directly. */
  readonly issuer: IssuerSpec;
  /** For profiles with mfa_serial: the device and how long one code's session lasts. */
  readonly mfa: { readonly serialNumber: string; readonly sessionDurationSec: number } | undefined;
  /** The profile to name in `aws sso login --profile …` hints. */
  readonly sourceProfile: string | undefined;
  /**
   * The STS endpoint from the role profile, when the environment names none: the SDK's
   * own lookup reads only AWS_PROFILE's settings, not those of a profile given in code.
   */
  readonly endpoint: string | undefined;
  /** Equal keys mean nothing changed across a reload: the credential is kept. */
  readonly key: string;
}

/** What building an issuer needs besides the role. */
export interface IssuerDeps {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  /** Each STS or SSO call fails after this long. */
  readonly deadlineMs: number;
  readonly mfa: MfaSession | undefined;
  readonly probe?: ResolveProbe;
}
