/**
 * The real inputs of doctor: the files of this machine, the daemon's control socket,
 * plain HTTP to the IMDS endpoint (never through a proxy: node:http ignores the proxy
 * variables), the port-owner lookup and STS.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CommandContext } from '../commands/context.js';
import { askDaemon } from '../control-client.js';
import { CONTROL_ROUTES, isDaemonStatus, type DaemonStatus } from '../../contract/control-api.js';
import { findPortOwner } from '../../system/port-owner.js';
import type { DoctorDeps, DoctorFiles, HttpRequest } from './deps.js';
import { firewallFacts, lsofListeners } from './link-local-probe.js';
import { stsCallerIdentity } from './sts-identity.js';

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

async function unlessMissing<T>(read: () => Promise<T>, missing: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (MISSING.has(String((error as NodeJS.ErrnoException).code))) return missing;
    throw error;
  }
}

export const nodeFiles: DoctorFiles = {
  readText: (path) => unlessMissing<string | undefined>(() => readFile(path, 'utf8'), undefined),
  mode: (path) => unlessMissing<number | undefined>(async () => (await stat(path)).mode & 0o777, undefined),
  list: (dir) => unlessMissing(() => readdir(dir), []),
};

/**
 * One fresh connection per request through node:http, as the SDKs' IMDS clients make
 * them, so the time measured is what an SDK would wait.
 */
export const directRequest: HttpRequest = (url, init) => new Promise((resolve, reject) => {
  const req = httpRequest(url, { method: init.method, headers: init.headers, agent: false, signal: AbortSignal.timeout(init.timeoutMs) }, (res) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve({ status: Number(res.statusCode), body: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end();
});

export function controlStatus(socket: string): Promise<DaemonStatus> {
  return askDaemon(socket, 'GET', CONTROL_ROUTES.status, isDaemonStatus, 'imdsd doctor');
}

export function realDoctorDeps(ctx: CommandContext, socket: string): DoctorDeps {
  return {
    env: ctx.env,
    home: ctx.home,
    platform: process.platform,
    now: ctx.now,
    monotonic: () => performance.now(),
    files: nodeFiles,
    status: () => controlStatus(socket),
    request: directRequest,
    findPortOwner: (port, preferPid) => findPortOwner(port, process.platform, preferPid),
    callerIdentity: stsCallerIdentity,
    /* c8 ignore next - process.getuid exists on every POSIX platform these tests run on */
    uid: process.getuid?.() ?? -1,
    firewall: () => firewallFacts(nodeFiles),
    portListeners: (port) => lsofListeners(port),
  };
}
