/**
 * `npm run bench`: every benchmark in one invocation, then a markdown table on stdout,
 * bench/results.json and bench/PERFORMANCE.md. Progress goes to stderr. Settings come
 * from the environment (see bench/README.md): BENCH_ROUNDS, BENCH_DURATION_SEC,
 * BENCH_ISSUE_ROUNDS, BENCH_ISSUE_DURATION_SEC, BENCH_BUSY_SOCKETS, BENCH_LONG,
 * BENCH_MEMORY_REQUESTS, BENCH_REFRESH_ROLES, BENCH_ONLY, BENCH_ALL, BENCH_NO_PIN,
 * BENCH_CLI, BENCH_OUT_DIR. By default it runs what issue 15's table needs (issue, cold,
 * refresh) in under five minutes; BENCH_ALL=1 adds the rest.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../test/support/daemon-process.js';
import { DEFAULT_ROLE_ARN, startStsServer } from '../test/support/sts-server.js';
import { killLiveChildren } from './child.js';
import { measureColdStart } from './cold-start.js';
import { CLI_PATH, CREDENTIAL_PATH, TOKEN_HEADER } from './daemon.js';
import { checkHotPath } from './hot-path.js';
import { measureImportCost } from './import-cost.js';
import { LOOP_DELAY_PROBE, measureIssueFigures } from './issue-table.js';
import { runLoad } from './load.js';
import { profileUnderLoad } from './load-profile.js';
import { describeMachine, loadAverage1m } from './machine.js';
import { BENCH_ROLE_ARNS, measureMemory } from './memory.js';
import { choosePinning, pinSelf } from './pinning.js';
import { measureRefreshScale } from './refresh-scale.js';
import { renderPerformanceSection, renderReport } from './report.js';
import { evaluateBudgets, type BenchSettings, type Results } from './results.js';
import { profileStartup } from './startup-profile.js';
import { startTargets } from './targets.js';
import { compareThroughput, type ScenarioName } from './throughput.js';
import { createWorkspace } from './workspace.js';

const SUITES = ['issue', 'cold', 'refresh', 'hotpath', 'import', 'throughput', 'profile', 'memory'] as const;
/** What `npm run bench` runs unless BENCH_ONLY or BENCH_ALL says otherwise: issue 15's table. */
const DEFAULT_SUITES = ['issue', 'cold', 'refresh'] as const;
type Suite = (typeof SUITES)[number];

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
  return value;
}

function settingsFrom(env: NodeJS.ProcessEnv): BenchSettings & { only: ReadonlySet<Suite>; scenarios?: ReadonlySet<ScenarioName> } {
  const long = env.BENCH_LONG === '1';
  const only = env.BENCH_ONLY === undefined || env.BENCH_ONLY === ''
    ? new Set<Suite>(env.BENCH_ALL === '1' ? SUITES : DEFAULT_SUITES)
    : new Set(env.BENCH_ONLY.split(',').map((s) => s.trim()).filter((s): s is Suite => (SUITES as readonly string[]).includes(s)));
  const scenarios = env.BENCH_SCENARIOS === undefined ? undefined : new Set(env.BENCH_SCENARIOS.split(',') as ScenarioName[]);
  return {
    rounds: numberFrom(env, 'BENCH_ROUNDS', 5),
    durationSec: numberFrom(env, 'BENCH_DURATION_SEC', 2),
    long,
    memoryRequests: numberFrom(env, 'BENCH_MEMORY_REQUESTS', long ? 1_000_000 : 200_000),
    refreshRoles: numberFrom(env, 'BENCH_REFRESH_ROLES', 1_000),
    issueRounds: numberFrom(env, 'BENCH_ISSUE_ROUNDS', 3),
    issueDurationSec: numberFrom(env, 'BENCH_ISSUE_DURATION_SEC', 5),
    busySockets: numberFrom(env, 'BENCH_BUSY_SOCKETS', 10_000),
    cli: CLI_PATH,
    suites: [...only],
    only,
    ...(scenarios === undefined ? {} : { scenarios }),
  };
}

function tcpSockets(): number | undefined {
  try {
    return readFileSync('/proc/net/tcp', 'utf8').split('\n').length - 2;
  } catch {
    return undefined;
  }
}

const progress = (message: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

async function main(): Promise<void> {
  const settings = settingsFrom(process.env);
  const { only, scenarios, ...recorded } = settings;
  const machine = describeMachine();
  const pinning = choosePinning(machine, process.env);
  pinSelf(pinning);
  const loadStart = loadAverage1m();
  const sockets = tcpSockets();
  progress(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; pinning ${pinning.enabled ? 'on' : 'off'}; suites ${[...only].join(',')}`);

  const workspace = createWorkspace();
  const roles: Record<string, Record<string, never>> = { [DEFAULT_ROLE_ARN]: {} };
  for (const arn of BENCH_ROLE_ARNS) roles[arn] = {};
  const sts = await startStsServer({ roles });
  const partial: { -readonly [K in keyof Omit<Results, 'budgets' | 'date' | 'machine' | 'pinning' | 'settings'>]?: Results[K] } = {};
  try {
    if (only.has('issue')) {
      progress(`issue 15 figures: wrk, ${settings.issueRounds} alternating rounds of ${settings.issueDurationSec} s`);
      const targets = await startTargets(sts.url, workspace, pinning, ['--import', LOOP_DELAY_PROBE]);
      try {
        partial.issue = await measureIssueFigures(targets, {
          rounds: settings.issueRounds, durationSec: settings.issueDurationSec, busySockets: settings.busySockets, progress,
        });
      } finally {
        await targets.stop();
      }
    }
    if (only.has('hotpath')) {
      progress('hot path checks');
      partial.hotPath = await checkHotPath();
    }
    if (only.has('cold')) {
      progress(`cold start, ${settings.rounds} rounds`);
      partial.coldStart = await measureColdStart(sts.url, workspace, pinning, settings.rounds);
      if (only.has('import')) partial.startupProfile = await profileStartup(sts.url, workspace, pinning);
    }
    if (only.has('import')) {
      progress('import cost');
      partial.importCost = await measureImportCost(pinning, sts.url, settings.rounds);
    }
    if (only.has('throughput')) {
      progress(`throughput: ${settings.rounds} alternating rounds of ${settings.durationSec} s per point`);
      const targets = await startTargets(sts.url, workspace, pinning);
      try {
        partial.throughput = await compareThroughput(targets, { rounds: settings.rounds, durationSec: settings.durationSec, only: scenarios, progress });
      } finally {
        await targets.stop();
      }
    }
    if (only.has('profile')) {
      progress('CPU profile of the daemon under load');
      partial.loadProfile = await profileUnderLoad(sts.url, workspace, pinning, (port, token, pid) => runLoad({
        port, connections: 16, durationSec: 4, path: CREDENTIAL_PATH, headers: { [TOKEN_HEADER]: token }, serverPid: pid,
      }));
    }
    if (only.has('memory')) {
      progress(`memory: ${settings.memoryRequests.toLocaleString('en-US')} requests`);
      partial.memory = await measureMemory(sts.url, workspace, pinning, settings.memoryRequests, progress);
    }
    if (only.has('refresh')) {
      progress(`refresh at scale: ${settings.refreshRoles} roles through the daemon's limiter`);
      partial.refreshScale = await measureRefreshScale(settings.refreshRoles, pinning);
    }
  } finally {
    await sts.close();
    killLiveChildren();
    workspace.remove();
  }

  const withoutBudgets = {
    date: new Date().toISOString(),
    machine: { ...machine, loadAverage1m: { start: loadStart, end: loadAverage1m() }, tcpSockets: sockets },
    pinning,
    settings: recorded,
    ...partial,
  };
  const results: Results = { ...withoutBudgets, budgets: evaluateBudgets(withoutBudgets) };
  const outDir = process.env.BENCH_OUT_DIR ?? join(REPO_ROOT, 'bench');
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'PERFORMANCE.md'), `${renderPerformanceSection(results)}\n`);
  process.stdout.write(`${renderReport(results)}\n`);
  progress(`wrote ${join(outDir, 'results.json')} and PERFORMANCE.md`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLiveChildren();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  killLiveChildren();
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
