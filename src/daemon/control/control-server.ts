/**
 * The control API, on a Unix socket only the owner can open: status, forced refreshes,
 * health, metrics, and the credential_process document. It is never served on an IMDS port.
 */
import { isoTime as iso } from '../../clock.js';
import fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { CredentialResult } from '../../credentials.js';
import { ImdsdError } from '../../errors.js';
import type { Metrics } from '../metrics.js';
import type { RoleRuntime } from '../role-runtime.js';
import { CONTROL_ROUTES, unhealthyReasons, type DaemonStatus } from '../../contract/control-api.js';
import { roleStatus } from './role-status.js';
import { NO_SCHEMA_COMPILERS } from '../no-schemas.js';

export interface ControlDeps {
  readonly runtimes: () => readonly RoleRuntime[];
  readonly metrics: Metrics;
  readonly version: string;
  readonly startedAtMs: number;
  readonly now: () => number;
  /** Where the ECS endpoint's token is, for `imdsd env --ecs`. */
  readonly containerTokenFile: string;
  /** Where an unexpected error is logged with its stack; a client sees only its code. */
  readonly logger: Pick<Logger, 'error'>;
}

const SECOND_PRECISION = /\.\d{3}Z$/;

function pick(runtimes: readonly RoleRuntime[], role: string | undefined): RoleRuntime[] {
  if (role === undefined || role === '') return [...runtimes];
  const found = runtimes.filter((runtime) => runtime.role.identity.roleName === role);
  if (found.length === 0) {
    const known = runtimes.map((runtime) => runtime.role.identity.roleName).join(', ');
    throw new ImdsdError('IMDSD_ERR_UNKNOWN_ROLE', `no role named ${role} is configured`, { hint: `configured: ${known}` });
  }
  return found;
}

function outcomeOf(runtime: RoleRuntime, outcome: CredentialResult) {
  return outcome.ok
    ? { roleName: runtime.role.identity.roleName, ok: true, expiresAt: iso(outcome.credential.expiresAtMs) }
    : { roleName: runtime.role.identity.roleName, ok: false, code: outcome.error.code, message: outcome.error.message, hint: outcome.error.hint };
}

/** A coded error keeps its code; anything else is a bug, logged in full and answered IMDSD_ERR_INTERNAL. */
function codedError(deps: ControlDeps, error: unknown, url: string): ImdsdError {
  if (error instanceof ImdsdError) return error;
  deps.logger.error({ event: 'control-error', url, err: error }, 'unexpected error in the control API');
  return new ImdsdError('IMDSD_ERR_INTERNAL', error instanceof Error ? error.message : String(error), { cause: error });
}

/** `imdsd mfa CODE`: starts the role's MFA session, then refreshes with it at once. */
async function startMfa(deps: ControlDeps, role: string | undefined, code: string | undefined) {
  const chosen = pick(deps.runtimes(), role).filter((runtime) => runtime.mfa !== undefined);
  const [runtime] = chosen;
  if (runtime?.mfa === undefined || chosen.length > 1) {
    throw new ImdsdError('IMDSD_ERR_UNKNOWN_ROLE',
      chosen.length === 0 ? 'no configured role uses MFA (mfa_serial)' : 'several roles use MFA: name one',
      { hint: 'pass --role NAME' });
  }
  const session = await runtime.mfa.submit(code ?? '');
  if (!session.ok) throw session.error;
  const { roleName, ...outcome } = outcomeOf(runtime, await runtime.refresher.refreshNow());
  return { roleName, mfaSessionExpiresAt: iso(session.expiresAtMs), ...outcome };
}

/** The credential_process document (Version 1), for tools that only read profiles. */
async function credentialProcessDocument(deps: ControlDeps, role: string) {
  const outcome = await Promise.any(pick(deps.runtimes(), role).map((runtime) => runtime.refresher.get()));
  if (!outcome.ok) throw outcome.error;
  const { credential } = outcome;
  return {
    Version: 1,
    AccessKeyId: credential.accessKeyId,
    SecretAccessKey: credential.secretAccessKey,
    SessionToken: credential.sessionToken,
    Expiration: iso(credential.expiresAtMs).replace(SECOND_PRECISION, 'Z'),
  };
}

export function buildControlApp(deps: ControlDeps): FastifyInstance {
  const app = fastify({ logger: false, bodyLimit: 4096, schemaController: NO_SCHEMA_COMPILERS });
  app.setErrorHandler((error: unknown, request, reply) => {
    const coded = codedError(deps, error, request.url);
    void reply.code(coded.status).send({ Code: coded.code, Message: coded.message, Hint: coded.hint });
  });
  const status = (): DaemonStatus => ({
    version: deps.version,
    pid: process.pid,
    startedAt: iso(deps.startedAtMs),
    now: iso(deps.now()),
    containerTokenFile: deps.containerTokenFile,
    roles: deps.runtimes().map(roleStatus),
  });
  app.get(CONTROL_ROUTES.status, async () => status());
  app.post<{ Querystring: { role?: string } }>(CONTROL_ROUTES.refresh, async (request) => {
    const chosen = pick(deps.runtimes(), request.query.role);
    return { results: await Promise.all(chosen.map(async (runtime) => outcomeOf(runtime, await runtime.refresher.refreshNow()))) };
  });
  app.post<{ Querystring: { role?: string; code?: string } }>(CONTROL_ROUTES.mfa, async (request) => startMfa(deps, request.query.role, request.query.code));
  app.get(CONTROL_ROUTES.health, async (_request, reply) => {
    const reasons = unhealthyReasons(status().roles);
    return reasons.length === 0 ? reply.send({ ok: true }) : reply.code(503).send({ ok: false, reasons });
  });
  app.get(CONTROL_ROUTES.metrics, async (_request, reply) => {
    const { contentType, text } = await deps.metrics.render();
    reply.header('content-type', contentType);
    return text;
  });
  app.get<{ Params: { role: string } }>(`${CONTROL_ROUTES.credentials}:role`, async (request, reply) => {
    const document = await credentialProcessDocument(deps, request.params.role);
    reply.header('cache-control', 'no-store');
    return document;
  });
  return app;
}
