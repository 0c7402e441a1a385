/**
 * The kernel's answer for one TCP socket by its exact 4-tuple (netlink sock_diag, as `ss`
 * asks it), from the optional native part built from native/sock-diag.c. It costs
 * microseconds whatever the host holds, where a read of /proc/net/tcp walks the whole
 * socket hash table. Absent on other platforms, where no compiler was found at build
 * time, or where the binary does not load: callers then read /proc/net/tcp.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A socket as the kernel describes it. */
export interface KernelSocket {
  readonly uid: number;
  readonly inode: number;
  /** TCP state, numbered as in the kernel's tcp_states.h (1 = established). */
  readonly state: number;
}

export const TCP_ESTABLISHED = 1;

/**
 * The socket whose local end is `address:port` and remote end `remoteAddress:remotePort`;
 * null when the kernel has none. Throws (with an errno `code`) when netlink fails, for
 * example under a seccomp filter or systemd's RestrictAddressFamilies without AF_NETLINK.
 */
export type SocketLookup = (address: string, port: number, remoteAddress: string, remotePort: number) => KernelSocket | null;

interface NativeModule {
  lookup: SocketLookup;
}

function isNativeModule(value: unknown): value is NativeModule {
  return typeof value === 'object' && value !== null && typeof (value as { lookup?: unknown }).lookup === 'function';
}

/**
 * Where the build puts the binary: dist/native, beside dist/src once built, and from a
 * source checkout (tests run src/ directly) the same dist/native.
 */
function candidates(platform: string, arch: string): string[] {
  const name = `sock-diag-${platform}-${arch}.node`;
  return [`../../native/${name}`, `../../dist/native/${name}`].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));
}

/** The native lookup, or undefined when this machine has none (never throws). */
export function loadSocketLookup(platform: string = process.platform, arch: string = process.arch): SocketLookup | undefined {
  if (platform !== 'linux') return undefined;
  const path = candidates(platform, arch).find((file) => existsSync(file));
  if (path === undefined) return undefined;
  try {
    const loaded: unknown = createRequire(import.meta.url)(path);
    return isNativeModule(loaded) ? loaded.lookup : undefined;
  } catch {
    // A binary built for another libc or kernel ABI: the /proc reader takes over.
    return undefined;
  }
}
