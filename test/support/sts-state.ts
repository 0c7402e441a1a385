/** Principals, roles and issued sessions of the fake STS, and the STS actions themselves. */
import { randomBytes } from 'node:crypto';
import type { IssuedCredentials } from './sts-xml.js';

/** An STS error answer; the server turns it into an ErrorResponse body. */
export class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Who is calling, once the request is authenticated. */
export interface Principal {
  accessKeyId: string;
  arn: string;
  userId: string;
  account: string;
  /** Long-term IAM user key (not session credentials). */
  longTerm: boolean;
  /** Credentials from AssumeRole: a further AssumeRole is role chaining. */
  assumedRole: boolean;
  /** For assumed-role sessions: the role's ARN (trust policies name roles, not sessions). */
  roleArn?: string;
}

export interface KeyRecord {
  secretAccessKey: string;
  /** Session credentials only. */
  sessionToken?: string;
  expiresAtMs?: number;
  principal: Principal;
}

interface RoleRecord {
  arn: string;
  partition: string;
  account: string;
  name: string;
  roleId: string;
  maxSessionDurationSec: number;
  trusted: string[] | undefined;
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function randomString(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

const ROLE_ARN = /^arn:(aws[\w-]*):iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const IAM_ARN = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/;
const SESSION_NAME = /^[\w+=,.@-]*$/;

function validationError(problems: string[]): StsError {
  const n = problems.length;
  return new StsError(400, 'ValidationError', `${n} validation error${n === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}

/** Checks one parameter against the STS API model's constraints, adding messages in AWS wording. */
class Validator {
  readonly problems: string[] = [];
  private fail(value: string | undefined, field: string, constraint: string): void {
    const shown = value === undefined ? 'null' : `'${value}'`;
    this.problems.push(`Value ${shown} at '${field}' failed to satisfy constraint: Member must ${constraint}`);
  }
  string(value: string | undefined, field: string, c: { required?: boolean; min?: number; max?: number; pattern?: RegExp; patternText?: string }): void {
    if (value === undefined) {
      if (c.required) this.fail(value, field, 'not be null');
      return;
    }
    if (c.min !== undefined && value.length < c.min) this.fail(value, field, `have length greater than or equal to ${c.min}`);
    if (c.max !== undefined && value.length > c.max) this.fail(value, field, `have length less than or equal to ${c.max}`);
    if (c.pattern && !c.pattern.test(value)) this.fail(value, field, `satisfy regular expression pattern: ${c.patternText ?? c.pattern.source}`);
  }
  integer(value: string | undefined, field: string, min: number, max: number): number | undefined {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
      this.problems.push(`Value '${value}' at '${field}' failed to satisfy constraint: Member must be an integer`);
      return undefined;
    }
    if (n < min) this.fail(value, field, `have value greater than or equal to ${min}`);
    if (n > max) this.fail(value, field, `have value less than or equal to ${max}`);
    return n;
  }
  throwIfAny(): void {
    if (this.problems.length > 0) throw validationError(this.problems);
  }
}

export interface StateOptions {
  now: () => number;
  lifetimeSec: number | undefined;
  mfaCode: string;
}

export class StsState {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly roles = new Map<string, RoleRecord>();
  private readonly revoked = new Set<string>();
  /** Every credential issued, for log audits (see issuedSecrets). */
  private readonly issued: IssuedCredentials[] = [];

  constructor(private readonly opts: StateOptions) {}

  addUser(accessKeyId: string, secretAccessKey: string, arn: string): void {
    const account = IAM_ARN.exec(arn)?.[1];
    if (account === undefined) throw new Error(`fake STS: not an IAM principal ARN: ${arn}`);
    const principal: Principal = {
      accessKeyId,
      arn,
      userId: `AIDA${randomString(UPPER_ALNUM, 17)}`,
      account,
      longTerm: true,
      assumedRole: false,
    };
    this.keys.set(accessKeyId, { secretAccessKey, principal });
    this.revoked.delete(accessKeyId);
  }

  addRole(roleArn: string, opts: { maxSessionDurationSec?: number; trusted?: string[] } = {}): void {
    const m = ROLE_ARN.exec(roleArn);
    if (!m) throw new Error(`fake STS: not an IAM role ARN: ${roleArn}`);
    const [, partition, account, name] = m as unknown as [string, string, string, string];
    this.roles.set(roleArn, {
      arn: roleArn,
      partition,
      account,
      name,
      roleId: `AROA${randomString(UPPER_ALNUM, 17)}`,
      maxSessionDurationSec: opts.maxSessionDurationSec ?? 43200,
      trusted: opts.trusted,
    });
  }

  /**
   * Accepts credentials another service issued (the local SSO portal's role credentials)
   * as an assumed-role session of `arn`, until they expire.
   */
  addSession(creds: IssuedCredentials, arn: string): void {
    const account = IAM_ARN.exec(arn)?.[1];
    if (account === undefined) throw new Error(`fake STS: not an STS principal ARN: ${arn}`);
    this.issued.push(creds);
    this.keys.set(creds.accessKeyId, {
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiresAtMs: creds.expiresAtMs,
      principal: {
        accessKeyId: creds.accessKeyId, arn, userId: `AROA${randomString(UPPER_ALNUM, 17)}:${arn.split('/').pop() ?? ''}`,
        account, longTerm: false, assumedRole: true,
      },
    });
  }

  /** Fresh random credentials of the real shapes. */
  newCredentials(expiresAtMs: number): IssuedCredentials {
    return {
      accessKeyId: `ASIA${randomString(UPPER_ALNUM, 16)}`,
      secretAccessKey: randomString(SECRET_CHARS, 40),
      // Real tokens start with this (base64 of a protobuf header) and run to several hundred chars.
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(330).toString('base64')}`,
      expiresAtMs,
    };
  }

  revoke(accessKeyId: string): void {
    this.revoked.add(accessKeyId);
  }

  /** The key's record, or undefined if unknown or revoked. */
  lookup(accessKeyId: string): KeyRecord | undefined {
    return this.revoked.has(accessKeyId) ? undefined : this.keys.get(accessKeyId);
  }

  private issue(principal: Principal, lifetimeSec: number): IssuedCredentials {
    const now = this.opts.now();
    // Whole seconds, so what the client reads in <Expiration> is exactly when the key stops working.
    const creds = this.newCredentials(Math.floor(now / 1000) * 1000 + (this.opts.lifetimeSec ?? lifetimeSec) * 1000);
    this.issued.push(creds);
    this.keys.set(creds.accessKeyId, {
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiresAtMs: creds.expiresAtMs,
      principal: { ...principal, accessKeyId: creds.accessKeyId, longTerm: false },
    });
    return creds;
  }

  assumeRole(p: URLSearchParams, caller: Principal) {
    const v = new Validator();
    const roleArn = p.get('RoleArn') ?? undefined;
    const sessionName = p.get('RoleSessionName') ?? undefined;
    v.string(roleArn, 'roleArn', { required: true, min: 20, max: 2048 });
    v.string(sessionName, 'roleSessionName', { required: true, min: 2, max: 64, pattern: SESSION_NAME, patternText: '[\\w+=,.@-]*' });
    const duration = v.integer(p.get('DurationSeconds') ?? undefined, 'durationSeconds', 900, 43200);
    v.string(p.get('ExternalId') ?? undefined, 'externalId', { min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' });
    const sourceIdentity = p.get('SourceIdentity') ?? undefined;
    v.string(sourceIdentity, 'sourceIdentity', { min: 2, max: 64, pattern: SESSION_NAME, patternText: '[\\w+=,.@-]*' });
    const policy = p.get('Policy') ?? undefined;
    v.string(policy, 'policy', { min: 1, max: 2048 });
    v.throwIfAny();
    if (roleArn === undefined || sessionName === undefined) throw new Error('unreachable: validated above');

    const role = this.roles.get(roleArn);
    const trusted = role?.trusted === undefined || [caller.arn, caller.roleArn].some((a) => a !== undefined && role.trusted?.includes(a));
    if (role === undefined || !trusted) {
      throw new StsError(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
    }
    if (duration !== undefined && duration > role.maxSessionDurationSec) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    if (caller.assumedRole && duration !== undefined && duration > 3600) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    const arn = `arn:${role.partition}:sts::${role.account}:assumed-role/${role.name}/${sessionName}`;
    const assumedRoleId = `${role.roleId}:${sessionName}`;
    const principal: Principal = { accessKeyId: '', arn, userId: assumedRoleId, account: role.account, longTerm: false, assumedRole: true, roleArn };
    const policyArnCount = [...p.keys()].filter((k) => /^PolicyArns\.member\.\d+\.arn$/.test(k)).length;
    return {
      assumedRoleId,
      arn,
      credentials: this.issue(principal, duration ?? 3600),
      sourceIdentity,
      packedPolicySize:
        policy === undefined && policyArnCount === 0 ? undefined : Math.min(100, Math.ceil((((policy ?? '').length + 100 * policyArnCount) / 2048) * 100)),
    };
  }

  getSessionToken(p: URLSearchParams, caller: Principal): IssuedCredentials {
    const v = new Validator();
    const duration = v.integer(p.get('DurationSeconds') ?? undefined, 'durationSeconds', 900, 129600);
    const serial = p.get('SerialNumber') ?? undefined;
    const code = p.get('TokenCode') ?? undefined;
    v.string(serial, 'serialNumber', { min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' });
    v.string(code, 'tokenCode', { min: 6, max: 6, pattern: /^\d*$/, patternText: '[\\d]*' });
    v.throwIfAny();
    if (!caller.longTerm) {
      throw new StsError(403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
    }
    if (serial !== undefined && code !== this.opts.mfaCode) {
      throw new StsError(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
    }
    return this.issue(caller, duration ?? 43200);
  }

  /**
   * Every secret key, session token and full access key id issued so far: none may
   * appear in a log (an access key id only as its last four characters).
   */
  issuedSecrets(): string[] {
    return this.issued.flatMap((creds) => [creds.secretAccessKey, creds.sessionToken, creds.accessKeyId]);
  }

  getCallerIdentity(caller: Principal): { arn: string; userId: string; account: string } {
    return { arn: caller.arn, userId: caller.userId, account: caller.account };
  }
}
