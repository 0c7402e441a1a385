/**
 * Everything doctor reads from the world, passed in so that tests build each situation
 * (a temporary HOME, an environment, a fake daemon status, a slow IMDS) without
 * touching the developer's own setup. `real-deps.ts` builds the real ones.
 */
import type { DaemonStatus } from '../../contract/control-api.js';
import type { PortOwner } from '../../system/port-owner.js';

export interface HttpReply {
  readonly status: number;
  readonly body: string;
}

export interface HttpInit {
  readonly method: 'GET' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  /** The request fails after this long, connect included. */
  readonly timeoutMs: number;
}

/** One HTTP request straight to the target, never through a proxy. */
export type HttpRequest = (url: string, init: HttpInit) => Promise<HttpReply>;

export interface DoctorFiles {
  /** The file's text, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** The permission bits (st_mode & 0o777), or undefined when it does not exist. */
  mode(path: string): Promise<number | undefined>;
  /** The names in a directory, or [] when it does not exist. */
  list(dir: string): Promise<string[]>;
}

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** STS GetCallerIdentity with exactly these credentials; resolves with the caller's ARN. */
export type CallerIdentity = (credentials: StaticCredentials, env: NodeJS.ProcessEnv) => Promise<string>;

export interface DoctorDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** Wall time, ms since the epoch. */
  readonly now: () => number;
  /** Monotonic time in ms, to time the IMDS answers. */
  readonly monotonic: () => number;
  readonly files: DoctorFiles;
  /** The running daemon's status; rejects (IMDSD_ERR_DAEMON_NOT_RUNNING) when none answers. */
  readonly status: () => Promise<DaemonStatus>;
  readonly request: HttpRequest;
  /** `preferPid`: the daemon's, reported when it is one of several holders (a socket systemd passed). */
  readonly findPortOwner: (port: number, preferPid?: number) => Promise<PortOwner | undefined>;
  readonly callerIdentity: CallerIdentity;
}
