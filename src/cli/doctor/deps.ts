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

/** `nft list table inet imdsd_link_local`: its text, or why there is none (issue 18). */
export type NftListing =
  | { readonly kind: 'listed'; readonly text: string }
  /** nft answered: no such table. */
  | { readonly kind: 'absent' }
  /** Listing needs CAP_NET_ADMIN: doctor runs as the user. */
  | { readonly kind: 'denied' }
  | { readonly kind: 'no-nft' };

export interface FirewallFacts {
  readonly listing: NftListing;
  /** The installed address unit's text, or undefined when there is none. */
  readonly unit: string | undefined;
}

/** A process listening on a TCP port, with its owner (macOS: lsof). */
export interface PortListener {
  readonly pid: number;
  readonly uid: number;
  readonly command: string;
}

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
  /** This process's uid (doctor runs as the daemon's owner). */
  readonly uid: number;
  /** Linux, link-local mode: the nftables table and the address unit (issue 18). */
  readonly firewall: () => Promise<FirewallFacts>;
  /** macOS, link-local mode: every listener on the port pf redirects to, with its uid. */
  readonly portListeners: (port: number) => Promise<PortListener[]>;
}
