/**
 * What every check needs to know, worked out once: the daemon's status (or why there is
 * none), the role this shell should reach, the endpoint its SDKs will call, and the
 * shared files (read on first use).
 */
import type { DaemonStatus, RoleStatus } from '../../contract/control-api.js';
import { LINK_LOCAL_URL } from '../../contract/link-local.js';
import { loadSharedFiles, type SharedFiles } from './aws-profile.js';
import type { DoctorDeps } from './deps.js';
import { DEFAULT_IMDS_PORT } from '../../contract/paths.js';
import { isLoopback } from '../../loopback.js';
import { localEndpoint, parseEndpoint, type ParsedEndpoint } from './endpoint.js';

export interface DoctorOptions {
  /** Look only at this role (`--role`). */
  readonly role?: string | undefined;
  /** Ask STS whether the exported credentials still work (`--check-env-credentials`). */
  readonly checkEnvCredentials: boolean;
}

export interface Situation {
  readonly deps: DoctorDeps;
  readonly options: DoctorOptions;
  /** Undefined when no daemon answered; `statusError` says why. */
  readonly status: DaemonStatus | undefined;
  readonly statusError: unknown;
  /** The roles looked at: all of them, or the one named by --role. */
  readonly roles: readonly RoleStatus[];
  /** The role this shell's endpoint should reach. */
  readonly role: RoleStatus | undefined;
  /** AWS_EC2_METADATA_SERVICE_ENDPOINT when set and usable. */
  readonly endpoint: ParsedEndpoint | undefined;
  /** Why AWS_EC2_METADATA_SERVICE_ENDPOINT is set but unusable. */
  readonly endpointError: string | undefined;
  /**
   * Where to probe IMDS: the variable's URL, else http://169.254.169.254/ in link-local
   * mode, else the role's port; undefined when none is known.
   */
  readonly target: URL | undefined;
  /** The local port imdsd should own. */
  readonly port: number;
  readonly sharedFiles: () => Promise<SharedFiles>;
}

/** Without the variable SDKs call 169.254.169.254: in link-local mode that is imdsd (issue 14). */
function defaultTarget(role: RoleStatus | undefined): URL | undefined {
  if (role?.linkLocal === true) return new URL(LINK_LOCAL_URL);
  return role?.port === undefined ? undefined : localEndpoint(role.port);
}

function memo<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => (loaded ??= load());
}

export async function inspect(deps: DoctorDeps, options: DoctorOptions): Promise<Situation> {
  let status: DaemonStatus | undefined;
  let statusError: unknown;
  try {
    status = await deps.status();
  } catch (error) {
    statusError = error;
  }
  const raw = deps.env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.trim() || undefined;
  const parsed = raw === undefined ? undefined : parseEndpoint(raw);
  const endpoint = typeof parsed === 'object' ? parsed : undefined;
  const all = status?.roles ?? [];
  const roles = options.role === undefined ? all : all.filter((r) => r.roleName === options.role);
  const role = options.role !== undefined ? roles[0] : (all.find((r) => r.port !== undefined && r.port === endpoint?.port) ?? all[0]);
  const localVariable = endpoint !== undefined && isLoopback(endpoint.url.hostname) ? endpoint : undefined;
  return {
    deps,
    options,
    status,
    statusError,
    roles,
    role,
    endpoint,
    endpointError: typeof parsed === 'string' ? parsed : undefined,
    target: endpoint?.url ?? defaultTarget(role),
    port: localVariable?.port ?? role?.port ?? DEFAULT_IMDS_PORT,
    sharedFiles: memo(() => loadSharedFiles(deps)),
  };
}
