/**
 * Does imdsd's memory stay put under use? Its VmRSS is read after every 2 s wrk chunk of
 * credential GETs (16 connections) until BENCH_MEMORY_REQUESTS (200,000) are served; under
 * load RSS is a saw-tooth (V8 collects the old generation late), so growth is judged on the
 * floor, the lowest reading of the second half against the lowest of the first, which a
 * leak raises. Then token PUTs past the store's cap of 10,000, then 50 roles idle.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ROLE_ARN } from '../test/support/sts-server.js';
import { BUDGETS } from './budgets.js';
import { round, rssMiB, wrk } from './load.js';
import { n, runAlone, type Row } from './report.js';
import { benchArn, getToken, listening, progress, SETTINGS, sleep, spawnDaemon, TOKEN_HEADER, type Bench } from './setup.js';

const CHUNK_SEC = 1;
/** Bounds the run when the host is slow: at most this many 1 s chunks. */
const MAX_CHUNKS = 30;
const FIFTY = 50;
/** Long enough for more token PUTs than the store's cap even on a busy host. */
const PUT_SEC = 3;

async function underLoad(bench: Bench): Promise<{ readings: number[]; requests: number; afterTokens: number | undefined }> {
  const imdsd = await listening(spawnDaemon(bench, ['--role-arn', DEFAULT_ROLE_ARN, '--port', '0']));
  try {
    const headers = { [TOKEN_HEADER]: await getToken(imdsd.port) };
    const readings: number[] = [];
    let requests = 0;
    for (let chunk = 0; chunk < MAX_CHUNKS && requests < SETTINGS.memoryRequests; chunk += 1) {
      requests += (await wrk(imdsd, { connections: 16, headers }, CHUNK_SEC)).requests;
      readings.push(rssMiB(imdsd.pid) ?? NaN);
      if (chunk % 10 === 9) progress(`memory: ${n(requests)} GETs, RSS ${readings.at(-1)} MiB`);
    }
    const puts = await wrk(imdsd, { connections: 16, path: '/latest/api/token', method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '21600' } }, PUT_SEC);
    if (puts.requests < 10_000) progress(`memory: only ${puts.requests} token PUTs, below the store's cap`);
    return { readings, requests, afterTokens: rssMiB(imdsd.pid) };
  } finally {
    await imdsd.stop();
  }
}

async function fiftyRoles(bench: Bench): Promise<{ rss: number | undefined; ms: number }> {
  const config = join(bench.dir, 'fifty.json');
  writeFileSync(config, JSON.stringify({ roles: Array.from({ length: FIFTY }, (_, i) => ({ roleArn: benchArn(i + 1), port: 0 })) }));
  const t0 = performance.now();
  const imdsd = spawnDaemon(bench, ['--config', config]);
  try {
    await imdsd.waitFor((l) => l.event === 'listening' && imdsd.lines.filter((m) => m.event === 'listening').length >= FIFTY, 60_000);
    const ms = round(performance.now() - t0, 1);
    await sleep(2_000);
    return { rss: rssMiB(imdsd.pid), ms };
  } finally {
    await imdsd.stop();
  }
}

export async function memory(bench: Bench): Promise<Row[]> {
  const { readings, requests, afterTokens } = await underLoad(bench);
  const half = Math.max(1, Math.floor(readings.length / 2));
  const floor = (values: number[]): number => Math.min(...values);
  const growthPct = round(((floor(readings.slice(half)) - floor(readings.slice(0, half))) / floor(readings.slice(0, half))) * 100, 1);
  const fifty = await fiftyRoles(bench);
  return [
    {
      figure: `RSS floor growth over ${n(requests)} credential GETs (2nd half's lowest vs 1st half's)`,
      imdsd: `${growthPct} % (first ${readings[0]} MiB, last ${readings.at(-1)}, peak ${Math.max(...readings)})`,
      target: `≤ ${BUDGETS.memoryGrowthPct} %`, met: growthPct <= BUDGETS.memoryGrowthPct,
    },
    { figure: 'RSS after token PUTs past the store\'s cap of 10,000', imdsd: `${afterTokens ?? 'n/a'} MiB` },
    { figure: `idle RSS with ${FIFTY} roles (--config), 2 s after all listen`, imdsd: `${fifty.rss ?? 'n/a'} MiB; all listening in ${fifty.ms} ms` },
  ];
}

runAlone(import.meta.url, memory);
