/**
 * `npm run soak`: the daemon in real time under a steady client load, against the local
 * STS issuing short-lived credentials while failures and outages are injected. Reports
 * requests, non-200 answers, expired credentials served (must be 0), credentials STS
 * refused as expired when a client used them (must be 0), rotations, STS calls, and the
 * daemon's memory at start and end. Exits 1 when an invariant is broken.
 *
 * SOAK_SECONDS (default 300), SOAK_LIFETIME_SEC (default 180: real STS never issues less
 * than 900 s; 180 s leaves room for the 60 s no-serve margin and rotates every 90 s),
 * SOAK_CLIENTS (default 8), SOAK_FAILURE_RATE (default 0.2). Traffic stays on 127.0.0.1.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { Agent, request } from 'undici';
import { cleanEnv, startDaemonProcess } from '../support/daemon-process.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer, type StsFault } from '../support/sts-server.js';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 300);
const LIFETIME_SEC = Number(process.env.SOAK_LIFETIME_SEC ?? 180);
const CLIENTS = Number(process.env.SOAK_CLIENTS ?? 8);
const FAILURE_RATE = Number(process.env.SOAK_FAILURE_RATE ?? 0.2);
/** Each client pauses this long between fetches (SDK clients fetch rarely; this is a lot). */
const CLIENT_PAUSE_MS = 20;
/** One outage of this length every OUTAGE_EVERY_MS, shorter than the 90 s a credential has at rotation. */
const OUTAGE_MS = 45_000;
const OUTAGE_EVERY_MS = 120_000;

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Memory is compared from this far into the load: the heap first grows to its working size. */
const WARM_UP_MS = 30_000;

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sts = await startStsServer({ lifetimeSec: LIFETIME_SEC });
  const startedMs = Date.now();
  let faults = 0;
  sts.setFaultMode(({ action }) => {
    if (action !== 'AssumeRole') return undefined;
    const inOutage = (Date.now() - startedMs) % OUTAGE_EVERY_MS > OUTAGE_EVERY_MS - OUTAGE_MS;
    if (!inOutage && Math.random() >= FAILURE_RATE) return undefined;
    faults += 1;
    const kinds: StsFault[] = [
      { kind: 'http', status: 503, code: 'ServiceUnavailable' },
      { kind: 'http', status: 400, code: 'Throttling', message: 'Rate exceeded' },
      { kind: 'reset' },
      { kind: 'malformed' },
    ];
    return kinds[Math.floor(Math.random() * kinds.length)];
  });

  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--no-desktop-notify'], env);
  const pid = daemon.child.pid ?? 0;
  const origin = `http://127.0.0.1:${daemon.port}`;
  const dispatcher = new Agent({ connections: CLIENTS * 2 });

  const counts = { requests: 0, ok: 0, non200: new Map<number, number>(), expiredServed: 0, expiredAtSts: 0, checked: 0 };
  const keys = new Set<string>();
  let latest: { AccessKeyId: string; SecretAccessKey: string; Token: string } | undefined;
  const endMs = Date.now() + SECONDS * 1000;
  await sleep(2_000);
  const rssIdleKb = rssKb(pid);
  let rssStartKb = rssIdleKb;
  setTimeout(() => {
    rssStartKb = rssKb(pid);
  }, Math.min(WARM_UP_MS, (SECONDS * 1000) / 4)).unref();

  async function client(): Promise<void> {
    while (Date.now() < endMs) {
      counts.requests += 1;
      try {
        const tokenReply = await request(`${origin}/latest/api/token`, {
          method: 'PUT', dispatcher, headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' },
        });
        const token = await tokenReply.body.text();
        const reply = await request(`${origin}/latest/meta-data/iam/security-credentials/dev`, {
          dispatcher, headers: { 'x-aws-ec2-metadata-token': token },
        });
        const text = await reply.body.text();
        if (reply.statusCode !== 200) {
          counts.non200.set(reply.statusCode, (counts.non200.get(reply.statusCode) ?? 0) + 1);
        } else {
          counts.ok += 1;
          const doc = JSON.parse(text) as { AccessKeyId: string; SecretAccessKey: string; Token: string; Expiration: string };
          if (Date.parse(doc.Expiration) <= Date.now()) counts.expiredServed += 1;
          keys.add(doc.AccessKeyId);
          latest = doc;
        }
      } catch {
        counts.non200.set(0, (counts.non200.get(0) ?? 0) + 1);
      }
      await sleep(CLIENT_PAUSE_MS);
    }
  }

  /** Once a second, the credential last served is used at STS, which must accept it. */
  async function verifier(): Promise<void> {
    while (Date.now() < endMs) {
      await sleep(1_000);
      const doc = latest;
      if (doc === undefined) continue;
      counts.checked += 1;
      const signer = new STSClient({
        region: 'us-east-1', endpoint: sts.url, maxAttempts: 1,
        credentials: { accessKeyId: doc.AccessKeyId, secretAccessKey: doc.SecretAccessKey, sessionToken: doc.Token },
      });
      try {
        await signer.send(new GetCallerIdentityCommand({}));
      } catch (error) {
        if ((error as { name?: string }).name?.startsWith('ExpiredToken') === true) counts.expiredAtSts += 1;
      } finally {
        signer.destroy();
      }
    }
  }

  await Promise.all([...Array.from({ length: CLIENTS }, () => client()), verifier()]);
  const rssEndKb = rssKb(pid);
  const exit = await daemon.stop();
  await dispatcher.close();
  await sts.close();

  const assumeCalls = sts.calls.filter((call) => call.action === 'AssumeRole').length;
  const growth = rssStartKb === 0 ? 0 : (rssEndKb - rssStartKb) / rssStartKb;
  const report = {
    date: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    seconds: SECONDS, lifetimeSec: LIFETIME_SEC, clients: CLIENTS, failureRate: FAILURE_RATE,
    requests: counts.requests, ok: counts.ok,
    non200: Object.fromEntries([...counts.non200].map(([status, n]) => [status === 0 ? 'connection error' : String(status), n])),
    expiredServed: counts.expiredServed,
    expiredAtSts: counts.expiredAtSts,
    checkedAtSts: counts.checked,
    rotations: Math.max(0, keys.size - 1),
    stsAssumeRoleCalls: assumeCalls,
    faultsInjected: faults,
    rssIdleMb: Math.round(rssIdleKb / 102.4) / 10,
    rssWarmMb: Math.round(rssStartKb / 102.4) / 10,
    rssEndMb: Math.round(rssEndKb / 102.4) / 10,
    rssGrowthPercent: Math.round(growth * 1000) / 10,
    daemonExit: exit,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const broken = report.expiredServed > 0 || report.expiredAtSts > 0 || exit !== 0;
  process.stdout.write(broken ? 'SOAK FAILED: an invariant was broken\n' : 'soak passed: no expired credential served\n');
  process.exitCode = broken ? 1 : 0;
}

main().catch((error: unknown) => {
  process.stderr.write(`soak: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
