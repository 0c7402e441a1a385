/**
 * What does a new connection cost, with imdsd's per-uid peer check on (it always is on
 * Linux)? Every AWS CLI call opens one: wrk -t1 -c1 with `Connection: close`, beside the
 * baseline, once on the host as it is and once while a child holds BENCH_BUSY_SOCKETS
 * (10,000) more TCP sockets open, so that a cost growing with the host's sockets shows.
 * The two moments of a shared host differ for both servers alike, so imdsd's slowdown with
 * the sockets is divided by the baseline's. Run as `new-connection.js --hold N`, this file
 * is that child.
 */
import { connect, createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BUDGETS } from './budgets.js';
import { paired, ratio, round, type Paired } from './load.js';
import { n, runAlone, type Row } from './report.js';
import { progress, SETTINGS, spawnChild, startPair, type Bench } from './setup.js';

const msEach = (perSec: number): number => round(1000 / perSec, 2);
const each = (perSec: number): string => `${n(perSec)} req/s (${msEach(perSec)} ms each)`;
const timeRatio = (figure: Paired): number => ratio(msEach(figure.imdsd.perSec), msEach(figure.baseline.perSec));

async function holdSockets(count: number): Promise<void> {
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  for (let opened = 0; opened < count / 2; opened += 200) {
    await Promise.all(Array.from({ length: Math.min(200, count / 2 - opened) }, () => new Promise<void>((resolve, reject) => {
      held.push(connect({ host: '127.0.0.1', port }, resolve).once('error', reject));
    })));
  }
  process.stdout.write(`${JSON.stringify({ event: 'filled', sockets: held.length })}\n`);
  process.once('SIGTERM', () => process.exit(0));
}

export async function newConnection(bench: Bench): Promise<Row[]> {
  const servers = await startPair(bench);
  const load = { connections: 1, headers: { Connection: 'close' } };
  const quiet = await paired(servers, load, 'new connection per request');
  progress(`holding ${SETTINGS.busySockets} more TCP sockets open`);
  const count = SETTINGS.busySockets;
  const filler = spawnChild(['sh', '-c', `ulimit -n ${count + 1024} && exec "$0" "$@"`, process.execPath, fileURLToPath(import.meta.url), '--hold', String(count)],
    { PATH: process.env.PATH });
  await filler.waitFor((line) => line.event === 'filled', 60_000);
  const busy = await paired(servers, load, `new connection, +${count} sockets`).finally(() => filler.stop());
  await Promise.all([servers.imdsd.stop(), servers.baseline.stop()]);
  const imdsdSlowdown = ratio(msEach(busy.imdsd.perSec), msEach(quiet.imdsd.perSec));
  const baselineSlowdown = ratio(msEach(busy.baseline.perSec), msEach(quiet.baseline.perSec));
  const net = ratio(imdsdSlowdown, baselineSlowdown);
  const cpu = (f: Paired): string => `; CPU ${f.imdsd.cpuMsPer1000} / ${f.baseline.cpuMsPer1000} ms per 1,000`;
  return [
    {
      figure: `new TCP connection per request (wrk -t1 -c1, Connection: close), per-uid check on; host: ${n(quiet.hostSockets)} TCP sockets`,
      imdsd: each(quiet.imdsd.perSec), baseline: each(quiet.baseline.perSec), ratio: `${timeRatio(quiet)} × the time${cpu(quiet)}`,
      target: `≤ ${BUDGETS.newConnectionTimeRatio} × the baseline's time`, met: timeRatio(quiet) <= BUDGETS.newConnectionTimeRatio,
    },
    {
      figure: `… with ${n(busy.hostSockets)} TCP sockets on the host`, imdsd: each(busy.imdsd.perSec), baseline: each(busy.baseline.perSec),
      ratio: `${timeRatio(busy)} × the time${cpu(busy)}; imdsd ${imdsdSlowdown} × its time without the sockets, the baseline ${baselineSlowdown} × (net ${net} ×)`,
      target: `≤ ${BUDGETS.newConnectionTimeRatio} ×, and no slower than without the sockets beyond what the baseline slows (net ≤ ${BUDGETS.busyOverQuietRatio} ×)`,
      met: timeRatio(busy) <= BUDGETS.newConnectionTimeRatio && net <= BUDGETS.busyOverQuietRatio,
    },
  ];
}

if (process.argv[2] === '--hold') await holdSockets(Number(process.argv[3]));
else runAlone(import.meta.url, newConnection);
