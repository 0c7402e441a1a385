/**
 * The kernel's own answer to "which sockets have this address and these ports", over
 * netlink sock_diag (as `ss` asks it), from the optional native part built from
 * native/sock-diag.c. It asks the exact 4-tuple once per interface (a socket bound to a
 * device is found too), microseconds whatever the host holds, where a read of
 * /proc/net/tcp walks the whole socket table. Absent on other platforms, where no
 * compiler was found at build time, where the binary does not load, or when
 * IMDSD_NO_NATIVE=1: callers then read /proc/net/tcp (proc-net.ts).
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TcpSocket } from './proc-net.js';

/**
 * The sockets whose local end is `localAddress:localPort` and remote end
 * `remoteAddress:remotePort` (plain addresses of one family, no zone; IPv4 also finds an
 * IPv6 socket talking IPv4). Throws with an errno `code` when netlink fails or answers
 * badly, and with `ERR_INVALID_ARG_*` for arguments it cannot ask about.
 */
export type SocketCandidates = (localAddress: string, localPort: number, remoteAddress: string, remotePort: number) => TcpSocket[];

export interface KernelSockets {
  readonly candidates: SocketCandidates;
  /** null when a sock_diag socket can be opened here; else the errno name of why not. */
  readonly probe: () => string | null;
  /** The answer in one netlink reply buffer (tests feed it malformed ones). */
  readonly parseReply: (reply: Buffer, seq: number) => TcpSocket[];
}

interface NativeSocket {
  readonly local: string;
  readonly localPort: number;
  readonly remote: string;
  readonly remotePort: number;
  readonly uid: number;
  readonly inode: number;
  readonly state: number;
}

interface NativeModule {
  candidates(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): NativeSocket[];
  probe(): string | null;
  parseReply(reply: Buffer, seq: number): NativeSocket[];
}

function isNativeModule(value: unknown): value is NativeModule {
  const module = value as Partial<Record<keyof NativeModule, unknown>> | null;
  return typeof module === 'object' && module !== null
    && typeof module.candidates === 'function' && typeof module.probe === 'function' && typeof module.parseReply === 'function';
}

const asTcpSocket = ({ local, localPort, remote, remotePort, uid, inode, state }: NativeSocket): TcpSocket =>
  ({ local, localPort, remote, remotePort, uid, inode: String(inode), state });

/**
 * Where the build puts the binary: dist/native, beside dist/src once built, and from a
 * source checkout (tests run src/ directly) the same dist/native.
 */
function binaryPaths(platform: string, arch: string): string[] {
  const name = `sock-diag-${platform}-${arch}.node`;
  return [`../../native/${name}`, `../../dist/native/${name}`].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
}

/** Why there is no native lookup here, or undefined when there is one. */
export function nativeAbsence(platform: string = process.platform, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (platform !== 'linux') return `sock_diag is Linux only, this is ${platform}`;
  if (env.IMDSD_NO_NATIVE === '1') return 'IMDSD_NO_NATIVE=1';
  return undefined;
}

/** The native lookup, or undefined when this machine has none (never throws). */
export function loadKernelSockets(platform: string = process.platform, arch: string = process.arch, env: NodeJS.ProcessEnv = process.env): KernelSockets | undefined {
  if (nativeAbsence(platform, env) !== undefined) return undefined;
  const path = binaryPaths(platform, arch).find((file) => existsSync(file));
  if (path === undefined) return undefined;
  try {
    const loaded: unknown = createRequire(import.meta.url)(path);
    if (!isNativeModule(loaded)) return undefined;
    return {
      candidates: (...tuple) => loaded.candidates(...tuple).map(asTcpSocket),
      probe: () => loaded.probe(),
      parseReply: (reply, seq) => loaded.parseReply(reply, seq).map(asTcpSocket),
    };
  } catch {
    // A binary built for another libc or kernel ABI: the /proc reader takes over.
    return undefined;
  }
}
