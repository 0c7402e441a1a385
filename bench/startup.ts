/**
 * How long from spawning `imdsd run` until it serves? Median of BENCH_START_ROUNDS (5)
 * starts, unpinned (a user's machine gives it every CPU): to its "listening" log line,
 * which by design comes after the first AssumeRole against the local STS, beside the bare
 * node:http baseline's spawn → listening; in alternate starts (probing costs the daemon
 * CPU) to the port answering a token PUT and a credential GET. The phases come from the
 * daemon's own log timestamps; `imdsd version` (boot plus the CLI's whole import graph)
 * is timed beside `node -e ''`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../test/support/free-port.js';
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { BUDGETS } from './budgets.js';
import { median, ratio, round } from './load.js';
import { runAlone, type Row } from './report.js';
import { CLI_PATH, CPUS, CREDENTIAL_PATH, getCredential, HERE, listening, SETTINGS, sleep, spawnChild, spawnDaemon, type Bench, type Child } from './setup.js';

const PHASES = [['starting', 'node boot + imports (spawn → "starting")'], ['control', 'config, roles, control socket ("starting" → "control")'],
  ['ready', 'first AssumeRole against the local STS ("control" → "ready")'], ['listening', 'listen on 127.0.0.1 and ::1 ("ready" → "listening")']] as const;

async function timed(start: () => Child, ready: (child: Child) => Promise<unknown>): Promise<{ ms: number; child: Child; spawnedAt: number }> {
  const spawnedAt = Date.now();
  const t0 = performance.now();
  const child = start();
  try {
    await ready(child);
    return { ms: performance.now() - t0, child, spawnedAt };
  } finally {
    await child.stop();
  }
}

async function answering(port: number, deadline = performance.now() + 15_000): Promise<void> {
  while (!(await getCredential(port).then(() => true, () => false))) {
    if (performance.now() > deadline) throw new Error(`no credential on port ${port} within 15 s`);
    await sleep(2);
  }
}

const runFor = (args: readonly string[]): Promise<number> => new Promise((resolve, reject) => {
  const t0 = performance.now();
  execFile(process.execPath, args, { timeout: 30_000 }, (error) => (error === null ? resolve(performance.now() - t0) : reject(error)));
});

export async function startup(bench: Bench): Promise<Row[]> {
  const imdsd: number[] = [];
  const toCredential: number[] = [];
  const baseline: number[] = [];
  const phases: number[][] = PHASES.map(() => []);
  const args = ['--role-arn', DEFAULT_ROLE_ARN, '--port'];
  for (let i = 0; i < SETTINGS.startRounds; i += 1) {
    const run = await timed(() => spawnDaemon(bench, [...args, '0'], [], CPUS.all), listening);
    imdsd.push(run.ms);
    let previous = run.spawnedAt;
    PHASES.forEach(([event], p) => {
      const at = new Date(run.child.lines.find((l) => l.event === event)?.time as string | number).getTime();
      phases[p]?.push(at - previous);
      previous = at;
    });
    const port = await freePort();
    toCredential.push((await timed(() => spawnDaemon(bench, [...args, String(port)], [], CPUS.all), () => answering(port))).ms);
    baseline.push((await timed(() => spawnChild([process.execPath, join(HERE, 'baseline-server.js'), '/dev/null', CREDENTIAL_PATH], { PATH: process.env.PATH }, CPUS.all), listening)).ms);
  }
  const toListening = round(median(imdsd), 1);
  const baselineMs = round(median(baseline), 1);
  const versionMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < SETTINGS.startRounds; i += 1) {
    versionMs.push(await runFor([CLI_PATH, 'version']));
    nodeMs.push(await runFor(['-e', '']));
  }
  return [
    {
      figure: `spawn → listening (median of ${SETTINGS.startRounds})`, imdsd: `${toListening} ms`, baseline: `${baselineMs} ms (bare node:http)`,
      ratio: `${ratio(toListening, baselineMs)} ×`, target: `< ${BUDGETS.listeningMs} ms`, met: toListening < BUDGETS.listeningMs,
    },
    { figure: 'spawn → the port answers a credential (token PUT + GET)', imdsd: `${round(median(toCredential), 1)} ms` },
    ...PHASES.map(([, label], p) => ({ figure: `  of which: ${label}`, imdsd: `${round(median(phases[p] ?? []), 1)} ms` })),
    {
      figure: '`imdsd version`, spawn → exit (boot + the CLI\'s import graph)', imdsd: `${round(median(versionMs), 1)} ms`,
      baseline: `${round(median(nodeMs), 1)} ms (\`node -e ''\`)`, ratio: `${ratio(median(versionMs), median(nodeMs))} ×`,
    },
  ];
}

runAlone(import.meta.url, startup);
