/**
 * A local AWS STS (Query protocol, SigV4) for tests: the real AWS SDK v3, botocore and
 * the AWS CLI accept its answers and are verified by it. Supports AssumeRole,
 * GetCallerIdentity and GetSessionToken, plus injected faults.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listenLoopback } from './loopback-server.js';
import { parseSigV4, SigV4FormatError, verifySigV4, type WireRequest } from './sigv4.js';
import { StsError, StsState, type Principal } from './sts-state.js';
import { assumeRoleXml, errorXml, getCallerIdentityXml, getSessionTokenXml, MALFORMED_BODY } from './sts-xml.js';
import {
  DEFAULT_MFA_CODE,
  DEFAULT_ROLE_ARN,
  DEFAULT_USER,
  MAX_CLOCK_SKEW_MS,
  REQUEST_TIME_ERROR,
  type StsCall,
  type StsFault,
  type StsServer,
  type StsServerOptions,
} from './sts-types.js';

export { StsError } from './sts-state.js';
export * from './sts-types.js';

const ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity', 'GetSessionToken']);
const MAX_BODY = 1 << 20;

/** The fake STS with what a log audit needs to know. */
export interface AuditedStsServer extends StsServer {
  /** Every SecretAccessKey, SessionToken and full ASIA access key id issued so far. */
  issuedSecrets(): string[];
}

export async function startStsServer(options: StsServerOptions = {}): Promise<AuditedStsServer> {
  const now = options.now ?? Date.now;
  const state = new StsState({ now, lifetimeSec: options.lifetimeSec, mfaCode: options.mfaCode ?? DEFAULT_MFA_CODE });
  for (const [akid, u] of Object.entries(options.users ?? { [DEFAULT_USER.accessKeyId]: DEFAULT_USER })) {
    state.addUser(akid, u.secretAccessKey, u.arn);
  }
  for (const [arn, r] of Object.entries(options.roles ?? { [DEFAULT_ROLE_ARN]: {} })) state.addRole(arn, r);

  const calls: StsCall[] = [];
  const queue: StsFault[] = [];
  let faultMode: ((call: { action: string }) => StsFault | undefined) | undefined;
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  function send(res: ServerResponse, call: StsCall, status: number, body: string, code?: string): void {
    call.status = status;
    if (code !== undefined) call.code = code;
    if (res.destroyed || res.headersSent) return;
    res.sendDate = false;
    res.writeHead(status, {
      Date: new Date(now()).toUTCString(),
      'x-amzn-RequestId': call.requestId,
      'Content-Type': 'text/xml',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  }

  function sendError(res: ServerResponse, call: StsCall, status: number, code: string, message: string): void {
    send(res, call, status, errorXml(status, code, message, call.requestId), code);
  }

  function authenticate(wire: WireRequest, call: StsCall): Principal {
    const auth = parseSigV4(wire);
    if (auth === undefined) throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    call.accessKeyId = auth.accessKeyId;
    call.region = auth.region;
    if (auth.service !== 'sts') {
      throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: 'sts'. `);
    }
    const key = state.lookup(auth.accessKeyId);
    const invalid = new StsError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (key === undefined || auth.securityToken !== key.sessionToken) throw invalid;
    if (key.expiresAtMs !== undefined && now() >= key.expiresAtMs) {
      throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    }
    const t = auth.requestTimeMs;
    if (t === undefined) throw new StsError(400, 'IncompleteSignature', `Date must be in ISO-8601 'basic format'. Got '${auth.amzDate}'.`);
    const tooOld = auth.presigned ? now() > t + (auth.expiresSec ?? 0) * 1000 : now() - t > MAX_CLOCK_SKEW_MS;
    if (tooOld || t - now() > MAX_CLOCK_SKEW_MS) {
      throw new StsError(REQUEST_TIME_ERROR.status, REQUEST_TIME_ERROR.code, REQUEST_TIME_ERROR.message);
    }
    if (auth.scopeDate !== auth.amzDate.slice(0, 8)) {
      throw new StsError(403, 'SignatureDoesNotMatch', `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.scopeDate}' != '${auth.amzDate.slice(0, 8)}', from '${auth.amzDate}'.`);
    }
    if (!auth.signedHeaders.includes('host')) {
      throw new StsError(403, 'SignatureDoesNotMatch', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (!verifySigV4(wire, auth, key.secretAccessKey)) {
      throw new StsError(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
      );
    }
    return key.principal;
  }

  function answer(res: ServerResponse, wire: WireRequest, params: URLSearchParams, call: StsCall): void {
    try {
      if (!ACTIONS.has(call.action)) {
        throw new StsError(400, 'InvalidAction', `Could not find operation ${call.action} for version ${params.get('Version') ?? 'NO_VERSION_SPECIFIED'}`);
      }
      const caller = authenticate(wire, call);
      let body: string;
      if (call.action === 'AssumeRole') {
        const r = state.assumeRole(params, caller);
        call.issuedAccessKeyId = r.credentials.accessKeyId;
        body = assumeRoleXml(r, call.requestId);
      } else if (call.action === 'GetSessionToken') {
        const c = state.getSessionToken(params, caller);
        call.issuedAccessKeyId = c.accessKeyId;
        body = getSessionTokenXml(c, call.requestId);
      } else {
        body = getCallerIdentityXml(state.getCallerIdentity(caller), call.requestId);
      }
      send(res, call, 200, body);
    } catch (err) {
      if (err instanceof StsError || err instanceof SigV4FormatError) {
        sendError(res, call, err.status, err.code, err.message);
      } else {
        sendError(res, call, 500, 'InternalFailure', `fake STS bug: ${String(err)}`);
      }
    }
  }

  function takeFault(action: string): StsFault | undefined {
    const i = queue.findIndex((f) => f.action === undefined || f.action === action);
    if (i !== -1) return queue.splice(i, 1)[0];
    return faultMode?.({ action });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const target = req.url ?? '/';
    const q = target.indexOf('?');
    const wire: WireRequest = {
      method: req.method ?? 'GET',
      rawPath: q === -1 ? target : target.slice(0, q),
      rawQuery: q === -1 ? '' : target.slice(q + 1),
      rawHeaders: req.rawHeaders,
      body,
    };
    const params = new URLSearchParams(wire.rawQuery);
    if (wire.method === 'POST') for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params.set(k, v);
    const call: StsCall = { action: params.get('Action') ?? '', requestId: randomUUID(), status: 0 };
    // Only the parameters that were sent, so t.match/deepEqual on calls stay simple.
    const recorded = [
      ['roleArn', 'RoleArn'],
      ['roleSessionName', 'RoleSessionName'],
      ['externalId', 'ExternalId'],
      ['serialNumber', 'SerialNumber'],
    ] as const;
    for (const [field, param] of recorded) {
      const value = params.get(param);
      if (value !== null) call[field] = value;
    }
    const duration = params.get('DurationSeconds');
    if (duration !== null && /^\d+$/.test(duration)) call.durationSeconds = Number(duration);
    calls.push(call);

    const fault = takeFault(call.action);
    if (fault !== undefined) call.fault = fault.kind;
    switch (fault?.kind) {
      case undefined:
        return answer(res, wire, params, call);
      case 'http':
        return sendError(res, call, fault.status, fault.code, fault.message ?? `Injected ${fault.code}`);
      case 'hang':
        return; // the socket stays open until the client gives up or close() destroys it
      case 'reset':
        req.socket.destroy();
        return;
      case 'malformed':
        return send(res, call, 200, fault.body ?? MALFORMED_BODY);
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!closed) answer(res, wire, params, call);
        }, fault.ms);
        timers.add(timer);
        return;
      }
    }
  }

  let inFlight = 0;
  let peakInFlight = 0;
  const server = createServer((req, res) => {
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.once('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.socket.destroy();
      else chunks.push(chunk);
    });
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  const listener = await listenLoopback(server, 'fake STS');

  return {
    url: listener.url,
    calls,
    peakInFlight: () => peakInFlight,
    injectFaults: (...faults) => void queue.push(...faults),
    setFaultMode: (fn) => void (faultMode = fn),
    addUser: (akid, secret, arn) => state.addUser(akid, secret, arn),
    addRole: (arn, opts) => state.addRole(arn, opts),
    revoke: (akid) => state.revoke(akid),
    addSession: (creds, arn) => state.addSession(creds, arn),
    newCredentials: (expiresAtMs) => state.newCredentials(expiresAtMs),
    issuedSecrets: () => state.issuedSecrets(),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await listener.close();
    },
  };
}
