/**
 * A local IAM Identity Center for tests, beside the local STS: the portal's
 * `GetRoleCredentials` (REST-JSON, bearer token in `x-amz-sso_bearer_token`) checks the
 * token against the SSO cache the test wrote (~/.aws/sso/cache under `home`) and issues
 * role credentials that the local STS then accepts as an `AWSReservedSSO_…` assumed-role
 * session; SSO-OIDC's `CreateToken` answers the refresh-token grant. The SDK, botocore
 * and the AWS CLI reach it through AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLoopback } from './loopback-server.js';
import { join } from 'node:path';
import { newAccessToken, ssoCacheDir } from './sso-cache.js';
import type { StsServer } from './sts-types.js';

export interface SsoPortalOptions {
  /** The HOME whose ~/.aws/sso/cache holds the logins. */
  readonly home: string;
  readonly sts: StsServer;
  readonly now?: () => number;
  /** Lifetime of issued role credentials; default 3600 s (the permission set's session). */
  readonly roleLifetimeSec?: number;
  /** Lifetime of a refreshed access token; default 3600 s. */
  readonly tokenLifetimeSec?: number;
}

export interface SsoCall {
  readonly action: 'GetRoleCredentials' | 'CreateToken' | 'unknown';
  status: number;
  errorType?: string;
  accountId?: string;
  roleName?: string;
  issuedAccessKeyId?: string;
}

export type SsoFault = { kind: 'http'; status: number; type: string } | { kind: 'hang' };

export interface SsoPortal {
  readonly url: string;
  readonly calls: SsoCall[];
  /** Lets the signed-in user use `roleName` in `accountId`. */
  assign(accountId: string, roleName: string): void;
  /** Takes the assignment away: GetRoleCredentials answers 403 ForbiddenException. */
  unassign(accountId: string, roleName: string): void;
  /** Every refresh token from now on is refused (the session ended at the IdP). */
  refuseRefresh(refuse: boolean): void;
  injectFaults(...faults: SsoFault[]): void;
  /** The ARN the STS reports for credentials of `roleName` in `accountId`. */
  arnOf(accountId: string, roleName: string): string;
  close(): Promise<void>;
}

/** The suffix IAM adds to a permission set's role name; fixed here so tests can expect it. */
export const RESERVED_SUFFIX = '0123456789abcdef';
export const SSO_USER = 'tester';

interface CachedLogin {
  readonly accessToken?: unknown;
  readonly expiresAt?: unknown;
  readonly refreshToken?: unknown;
  readonly clientId?: unknown;
  readonly clientSecret?: unknown;
}

function cachedLogins(home: string): CachedLogin[] {
  let names: string[];
  try {
    names = readdirSync(ssoCacheDir(home));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(ssoCacheDir(home), name), 'utf8'));
      return typeof parsed === 'object' && parsed !== null ? [parsed as CachedLogin] : [];
    } catch {
      return [];
    }
  });
}

export async function startSsoPortal(options: SsoPortalOptions): Promise<SsoPortal> {
  const now = options.now ?? Date.now;
  const calls: SsoCall[] = [];
  const assignments = new Map<string, boolean>();
  const faults: SsoFault[] = [];
  /** Tokens this portal issued through CreateToken: access token → expiry. */
  const issuedTokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  let refuse = false;
  const arnOf = (accountId: string, roleName: string): string =>
    `arn:aws:sts::${accountId}:assumed-role/AWSReservedSSO_${roleName}_${RESERVED_SUFFIX}/${SSO_USER}`;

  function reply(res: ServerResponse, call: SsoCall, status: number, body: unknown, errorType?: string): void {
    call.status = status;
    if (errorType !== undefined) call.errorType = errorType;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(text),
      'x-amzn-RequestId': randomBytes(16).toString('hex'),
      ...(errorType === undefined ? {} : { 'x-amzn-ErrorType': errorType }),
    });
    res.end(text);
  }

  function tokenValid(token: string): boolean {
    const issued = issuedTokens.get(token);
    if (issued !== undefined) return issued > now();
    return cachedLogins(options.home).some((login) => login.accessToken === token
      && typeof login.expiresAt === 'string' && Date.parse(login.expiresAt) > now());
  }

  function getRoleCredentials(req: IncomingMessage, url: URL, res: ServerResponse, call: SsoCall): void {
    const accountId = url.searchParams.get('account_id') ?? '';
    const roleName = url.searchParams.get('role_name') ?? '';
    call.accountId = accountId;
    call.roleName = roleName;
    const token = req.headers['x-amz-sso_bearer_token'];
    if (typeof token !== 'string' || !tokenValid(token)) {
      return reply(res, call, 401, { message: 'Session token not found or invalid' }, 'UnauthorizedException');
    }
    const assigned = assignments.get(`${accountId}/${roleName}`);
    if (assigned === undefined) return reply(res, call, 404, { message: 'Could not find Account or Role' }, 'ResourceNotFoundException');
    if (!assigned) return reply(res, call, 403, { message: 'No access' }, 'ForbiddenException');
    const creds = options.sts.newCredentials(Math.floor(now() / 1000) * 1000 + (options.roleLifetimeSec ?? 3600) * 1000);
    options.sts.addSession(creds, arnOf(accountId, roleName));
    call.issuedAccessKeyId = creds.accessKeyId;
    reply(res, call, 200, {
      roleCredentials: {
        accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey, sessionToken: creds.sessionToken, expiration: creds.expiresAtMs,
      },
    });
  }

  function createToken(body: string, res: ServerResponse, call: SsoCall): void {
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return reply(res, call, 400, { error: 'invalid_request' }, 'InvalidRequestException');
    }
    const known = refreshTokens.has(String(input.refreshToken)) || cachedLogins(options.home).some((login) =>
      login.refreshToken === input.refreshToken && login.clientId === input.clientId && login.clientSecret === input.clientSecret);
    if (input.grantType !== 'refresh_token' || refuse || !known) {
      return reply(res, call, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' }, 'InvalidGrantException');
    }
    const accessToken = newAccessToken();
    const expiresIn = options.tokenLifetimeSec ?? 3600;
    issuedTokens.set(accessToken, now() + expiresIn * 1000);
    const refreshToken = `aor${randomBytes(32).toString('base64url')}`;
    refreshTokens.add(refreshToken);
    reply(res, call, 200, { accessToken, tokenType: 'Bearer', expiresIn, refreshToken });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://portal');
      const action = url.pathname === '/federation/credentials' ? 'GetRoleCredentials' : url.pathname === '/token' ? 'CreateToken' : 'unknown';
      const call: SsoCall = { action, status: 0 };
      calls.push(call);
      const fault = faults.shift();
      if (fault?.kind === 'hang') return;
      if (fault?.kind === 'http') return reply(res, call, fault.status, { message: `Injected ${fault.type}` }, fault.type);
      if (action === 'GetRoleCredentials' && req.method === 'GET') return getRoleCredentials(req, url, res, call);
      if (action === 'CreateToken' && req.method === 'POST') return createToken(Buffer.concat(chunks).toString('utf8'), res, call);
      reply(res, call, 404, { message: `no route ${req.method} ${url.pathname}` }, 'ResourceNotFoundException');
    });
  });
  const listener = await listenLoopback(server, 'SSO portal');
  return {
    url: listener.url,
    calls,
    assign: (accountId, roleName) => void assignments.set(`${accountId}/${roleName}`, true),
    unassign: (accountId, roleName) => void assignments.set(`${accountId}/${roleName}`, false),
    refuseRefresh: (value) => void (refuse = value),
    injectFaults: (...list) => void faults.push(...list),
    arnOf,
    close: () => listener.close(),
  };
}
