/**
 * The attacks of issue 18 ("Nobody else, proven") as data: which source address, port
 * and device binding the other local user tries against which daemon, one group per
 * attack class and variant. test/support/attack-netns.ts runs them inside the test's own
 * network namespace with test/support/attacker.py; test/security/other-user-attacks.test.ts
 * asserts on the results.
 *
 * Two daemons run as the owner in the namespace: A with the default listeners
 * (127.0.0.1:D and [::1]:D) and B with `--host ::` (one dual-stack socket [::]:Z, so
 * IPv4 peers arrive v4-mapped and fe80:: peers with a zone). The owner holds four
 * keep-alive connections open (P4: 127.0.0.1 to A, P6: ::1 to A, PZ4: 127.0.0.1 to B,
 * PZ6: fe80::1%imdsd-va to B); their local ports are what most attacks reuse, because
 * today's /proc fallback matches rows by the two PORTS only and takes the first
 * ESTABLISHED one, in table order (tcp before tcp6, then kernel hash order).
 */
import type { Account } from './link-local/clients.js';

/** The interface the namespace adds for zoned link-local addresses (a veth pair, both ends inside). */
export const ZONE_DEVICE = 'imdsd-va';
/** Its addresses: ::1 is the owner's and the daemon's, the others are the attacker's sources. */
export const ZONE_OWNER = 'fe80::1';
export const ZONE_ATTACKER: readonly string[] = Array.from({ length: 10 }, (_, i) => `fe80::${(i + 2).toString(16)}`);
/** Extra IPv6 addresses of the namespace's `lo`: another address of "this host", as a global v6 address would be. */
export const HOST_V6: readonly string[] = Array.from({ length: 10 }, (_, i) => `fd00:18::${(i + 2).toString(16)}`);

/** What the namespace child is given, as JSON in argv[2]. */
export interface AttackPlan {
  readonly owner: Account;
  readonly peer: Account;
  /** True when the daemon runs as root because imdsd-owner could not run the checkout. */
  readonly ownerIsRoot: boolean;
  /** Sets IMDSD_NO_NATIVE=1 in the daemons' environment (the /proc tables only). */
  readonly noNative: boolean;
  /** Fuzz: answered attempts wanted, time budget, seed of the source choice. */
  readonly fuzzAttempts: number;
  readonly fuzzBudgetSeconds: number;
  readonly seed: number;
}

/** The ports everything is built from: the daemons' and those of the owner's held connections. */
export interface Ports {
  readonly D: number;
  readonly Z: number;
  readonly P4: number;
  readonly P6: number;
  readonly PZ4: number;
  readonly PZ6: number;
}

/** One connection attempt, as attacker.py takes it. */
export interface Attempt {
  readonly cls: string;
  readonly variant: string;
  readonly dst: string;
  readonly dstPort: number;
  readonly src?: string;
  readonly srcPort?: number;
  /** SO_BINDTODEVICE before bind(). */
  readonly device?: string | undefined;
  /** The interface of a zoned fe80:: source and destination. */
  readonly scope?: string;
}

/** attacker.py's count for one (class, variant). */
export interface Group {
  readonly cls: string;
  readonly variant: string;
  readonly tried: number;
  /** Connections that got an HTTP answer to the token PUT. */
  readonly answered: number;
  /** Token PUT statuses and how often. */
  readonly put: Record<string, number>;
  /** Attempts that read a document with an AccessKeyId. */
  readonly credentials: number;
  readonly errors: Record<string, number>;
  readonly leaks: ReadonlyArray<Record<string, unknown>>;
}

/** The four attack classes of the issue, by the id the test and attacker.py use. */
export const CLASSES = {
  'lo-device': 'a source socket bound to the loopback device (SO_BINDTODEVICE lo)',
  'daemon-port': 'a source address in 127.0.0.2-127.0.0.254 with the daemon\'s port as source port',
  'owner-port': 'the source port of a connection the owner holds open, over IPv4 and IPv6',
  zoned: 'a zoned link-local source (fe80::x%dev) with the daemon on --host ::',
} as const;
export type ClassId = keyof typeof CLASSES;

const SECOND_OCTETS = Array.from({ length: 253 }, (_, i) => i + 2);
const repeat = (count: number, attempt: Attempt): Attempt[] => Array.from({ length: count }, () => attempt);

/**
 * Class 1. Bound to `lo`, today's native lookup (exact 4-tuple, idiag_if = 0) never finds
 * the socket and the /proc fallback decides. From the plain loopback address of its own
 * family the attacker can only reuse a port the owner holds in the OTHER family: over
 * IPv6 with the owner's IPv4 port the owner's row in /proc/net/tcp is read before the
 * attacker's own in tcp6 (a credential every time today); the reverse is the same
 * confusion with the tables' order against it. The kernel-chosen ports are the plain
 * case: a device-bound client whose uid must be found and refused.
 */
function loDevice(p: Ports): Attempt[] {
  const cls = 'lo-device';
  return [
    ...repeat(20, { cls, variant: '[::1] bound to lo, source port of the owner\'s IPv4 connection', dst: '::1', dstPort: p.D, src: '::1', srcPort: p.P4, device: 'lo' }),
    ...repeat(20, { cls, variant: '127.0.0.1 bound to lo, source port of the owner\'s IPv6 connection', dst: '127.0.0.1', dstPort: p.D, src: '127.0.0.1', srcPort: p.P6, device: 'lo' }),
    ...repeat(20, { cls, variant: '127.0.0.1 bound to lo, kernel-chosen port', dst: '127.0.0.1', dstPort: p.D, src: '127.0.0.1', srcPort: 0, device: 'lo' }),
    ...repeat(20, { cls, variant: '[::1] bound to lo, kernel-chosen port', dst: '::1', dstPort: p.D, src: '::1', srcPort: 0, device: 'lo' }),
  ];
}

/**
 * Class 2. Source 127.0.0.x:D to 127.0.0.1:D: the daemon's own accepted socket for this
 * very connection is a row with local port D and remote port D, uid the owner, and it
 * races the attacker's row in hash order. Bound to `lo` it gets past today's native
 * lookup; unbound it is what the /proc-only mode (IMDSD_NO_NATIVE=1) must refuse. The
 * v4-mapped variant is an AF_INET6 socket on the wire as IPv4: its row is in tcp6 while
 * the daemon's (IPv4 listener) is in tcp, so the fix must look in both families.
 */
function daemonPort(p: Ports): Attempt[] {
  const cls = 'daemon-port';
  return [
    ...SECOND_OCTETS.map((x) => ({ cls, variant: '127.0.0.x:D bound to lo', dst: '127.0.0.1', dstPort: p.D, src: `127.0.0.${x}`, srcPort: p.D, device: 'lo' })),
    ...SECOND_OCTETS.map((x) => ({ cls, variant: '127.0.0.x:D unbound', dst: '127.0.0.1', dstPort: p.D, src: `127.0.0.${x}`, srcPort: p.D })),
    ...SECOND_OCTETS.map((x) => ({ cls, variant: '[::ffff:127.0.0.x]:D (AF_INET6, v4-mapped) bound to lo', dst: '::ffff:127.0.0.1', dstPort: p.D, src: `::ffff:127.0.0.${x}`, srcPort: p.D, device: 'lo' })),
  ];
}

/**
 * Class 3. The owner's keep-alive connection 127.0.0.1:P4 -> 127.0.0.1:D is a row with
 * the same two ports as the attacker's 127.0.0.x:P4 -> 127.0.0.1:D. Over IPv6 the only
 * loopback source is ::1, whose port P6 the owner holds; so the IPv6 variants take
 * another address of this host (fd00:18::x on the namespace's lo, as a global address
 * would be on a real host) with port P6, and an AF_INET6 socket speaking v4-mapped with
 * P6 (its row sits in tcp6 beside the owner's ::1 row). Each bound to lo (past today's
 * native lookup) and unbound (the /proc-only mode).
 */
function ownerPort(p: Ports): Attempt[] {
  const cls = 'owner-port';
  const both = (variant: string, attempt: Omit<Attempt, 'cls' | 'variant' | 'device'>): Attempt[] => [
    { ...attempt, cls, variant: `${variant} bound to lo`, device: 'lo' },
    { ...attempt, cls, variant: `${variant} unbound` },
  ];
  return [
    ...SECOND_OCTETS.flatMap((x) => both('IPv4 127.0.0.x:P4', { dst: '127.0.0.1', dstPort: p.D, src: `127.0.0.${x}`, srcPort: p.P4 })),
    ...HOST_V6.flatMap((a) => both('IPv6 [fd00:18::x]:P6 to [::1]', { dst: '::1', dstPort: p.D, src: a, srcPort: p.P6 })),
    ...SECOND_OCTETS.flatMap((x) => both('IPv6 socket v4-mapped [::ffff:127.0.0.x]:P6', { dst: '::ffff:127.0.0.1', dstPort: p.D, src: `::ffff:127.0.0.${x}`, srcPort: p.P6 })),
  ];
}

/**
 * Class 4. Daemon B on [::]:Z sees fe80::x%imdsd-va, which today's native part cannot
 * parse (it throws, the /proc fallback decides). With the port of the owner's IPv4
 * connection to B the owner's row in tcp is read first (a credential every time today);
 * with the port of the owner's own zoned connection the two rows race in tcp6.
 */
function zoned(p: Ports): Attempt[] {
  const cls = 'zoned';
  const to = { dst: ZONE_OWNER, dstPort: p.Z, scope: ZONE_DEVICE };
  return [
    ...ZONE_ATTACKER.map((src) => ({ cls, variant: 'fe80::x%dev, source port of the owner\'s IPv4 connection to B', ...to, src, srcPort: p.PZ4 })),
    ...repeat(10, { cls, variant: 'fe80::1%dev (the owner\'s address), port of the owner\'s IPv4 connection to B', ...to, src: ZONE_OWNER, srcPort: p.PZ4 }),
    ...ZONE_ATTACKER.map((src) => ({ cls, variant: 'fe80::x%dev, source port of the owner\'s zoned connection', ...to, src, srcPort: p.PZ6 })),
    ...ZONE_ATTACKER.map((src) => ({ cls, variant: 'fe80::x%dev bound to the device, kernel-chosen port', ...to, src, srcPort: 0, device: ZONE_DEVICE })),
  ];
}

/** Every class's attempts. */
export function classAttempts(ports: Ports): Attempt[] {
  return [...loDevice(ports), ...daemonPort(ports), ...ownerPort(ports), ...zoned(ports)];
}

/** The owner's keep-alive connections (attacker.py hold), named as in {@link Ports}. */
export function heldConnections(D: number, Z: number): Array<Attempt & { name: string }> {
  const base = { cls: 'owner', variant: 'held' };
  return [
    { ...base, name: 'P4', dst: '127.0.0.1', dstPort: D, src: '127.0.0.1', srcPort: 0 },
    { ...base, name: 'P6', dst: '::1', dstPort: D, src: '::1', srcPort: 0 },
    { ...base, name: 'PZ4', dst: '127.0.0.1', dstPort: Z, src: '127.0.0.1', srcPort: 0 },
    { ...base, name: 'PZ6', dst: ZONE_OWNER, dstPort: Z, src: ZONE_OWNER, srcPort: 0, scope: ZONE_DEVICE },
  ];
}

/**
 * The owner's own full IMDSv2 sequences, one per way in (attacker.py probe). Besides the
 * plain ones, the owner's clients take the same unusual paths as the attacks (bound to
 * lo, another loopback or host address, an AF_INET6 socket speaking v4-mapped, a zone):
 * a fix that refuses everything it cannot place would refuse these too, and must not.
 */
export function ownerTargets(D: number, Z: number): Array<Attempt & { name: string }> {
  const base = { cls: 'owner', variant: 'probe' };
  return [
    { ...base, name: 'A over 127.0.0.1', dst: '127.0.0.1', dstPort: D },
    { ...base, name: 'A over ::1', dst: '::1', dstPort: D },
    { ...base, name: 'A over 127.0.0.1 bound to lo', dst: '127.0.0.1', dstPort: D, src: '127.0.0.1', srcPort: 0, device: 'lo' },
    { ...base, name: 'A over ::1 bound to lo', dst: '::1', dstPort: D, src: '::1', srcPort: 0, device: 'lo' },
    { ...base, name: 'A from 127.0.0.9', dst: '127.0.0.1', dstPort: D, src: '127.0.0.9', srcPort: 0 },
    { ...base, name: `A from ${HOST_V6[0] ?? ''} to ::1`, dst: '::1', dstPort: D, src: HOST_V6[0] ?? '::1', srcPort: 0 },
    { ...base, name: 'A from an AF_INET6 socket, v4-mapped', dst: '::ffff:127.0.0.1', dstPort: D },
    { ...base, name: 'B over 127.0.0.1 (v4-mapped at the daemon)', dst: '127.0.0.1', dstPort: Z },
    { ...base, name: 'B over ::1', dst: '::1', dstPort: Z },
    { ...base, name: 'B over fe80::1%dev', dst: ZONE_OWNER, dstPort: Z, src: ZONE_OWNER, srcPort: 0, scope: ZONE_DEVICE },
  ];
}

/** Which probe targets show that the owner is served where a class attacks. */
export const OWNER_TARGETS_OF: Readonly<Record<ClassId, readonly string[]>> = {
  'lo-device': ['A over 127.0.0.1 bound to lo', 'A over ::1 bound to lo', 'A over ::1'],
  'daemon-port': ['A over 127.0.0.1', 'A from 127.0.0.9', 'A from an AF_INET6 socket, v4-mapped'],
  'owner-port': ['A over 127.0.0.1', 'A over ::1', `A from ${HOST_V6[0] ?? ''} to ::1`, 'A from an AF_INET6 socket, v4-mapped'],
  zoned: ['B over fe80::1%dev', 'B over 127.0.0.1 (v4-mapped at the daemon)', 'B over ::1'],
};

/** The fuzz's targets: both daemons, every family a local client can use. */
export function fuzzTargets(D: number, Z: number): Array<{ name: string; dst: string; dstPort: number }> {
  return [
    { name: 'A 127.0.0.1', dst: '127.0.0.1', dstPort: D },
    { name: 'A ::1', dst: '::1', dstPort: D },
    { name: 'A v4-mapped', dst: '::ffff:127.0.0.1', dstPort: D },
    { name: 'B 127.0.0.1', dst: '127.0.0.1', dstPort: Z },
    { name: 'B ::1', dst: '::1', dstPort: Z },
  ];
}
