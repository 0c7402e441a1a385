/** Markdown tables of a Results, for the terminal and for bench/PERFORMANCE.md. */
import { renderIssueTable } from './issue-report.js';
import type { Results } from './results.js';

type Cell = string | number | undefined;

function table(header: readonly string[], rows: ReadonlyArray<readonly Cell[]>): string {
  const cell = (value: Cell): string => (value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? 'n/a' : String(value));
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ].join('\n');
}

const n = (value: number): string => value.toLocaleString('en-US');

export function machineLine(results: Results): string {
  const m = results.machine;
  const pin = results.pinning.enabled
    ? `taskset: load generator on CPU ${results.pinning.loadGenerator}, servers on CPU ${results.pinning.servers}`
    : 'not pinned';
  return `${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${m.platform} ${m.kernel}; ${pin}; load average ${m.loadAverage1m.start} → ${m.loadAverage1m.end}; `
    + `${m.tcpSockets ?? 'n/a'} TCP sockets in /proc/net/tcp; ${results.date}`;
}

export function throughputTable(results: Results): string {
  return table(
    ['scenario', 'conns', 'imdsd /s', 'baseline /s', 'ratio', 'p50 ms (imdsd / base)', 'p99 ms (imdsd / base)', 'p99 ratio', 'server CPU % (imdsd / base)', 'imdsd log lines / connections'],
    (results.throughput ?? []).map((c) => [
      c.scenario, c.connections, `${n(c.imdsd.perSec)} ${c.unit}`, `${n(c.baseline.perSec)} ${c.unit}`, c.throughputRatio,
      `${c.imdsd.p50Ms} / ${c.baseline.p50Ms}`, `${c.imdsd.p99Ms} / ${c.baseline.p99Ms}`, c.p99Ratio,
      `${c.imdsd.serverCpuPct ?? 'n/a'} / ${c.baseline.serverCpuPct ?? 'n/a'}`, `${c.imdsdLogLines} / ${c.imdsdConnections}`,
    ]),
  );
}

function profileTable(title: string, owners: ReadonlyArray<{ owner: string; ms: number; pct: number }>): string {
  return table([title, 'ms', '%'], owners.map((o) => [o.owner, o.ms, o.pct]));
}

export function renderReport(results: Results): string {
  const parts: string[] = [`Machine: ${machineLine(results)}`, ''];
  parts.push(`Settings: ${results.settings.rounds} alternating rounds of ${results.settings.durationSec} s per point, medians; CLI ${results.settings.cli}`, '');
  if (results.issue !== undefined || results.coldStart !== undefined || results.refreshScale !== undefined) {
    parts.push(`### Issue 15 figures (wrk -t1, ${results.settings.issueRounds} alternating ${results.settings.issueDurationSec}-second rounds per server, medians)`, '',
      renderIssueTable({ issue: results.issue, coldStart: results.coldStart, refreshScale: results.refreshScale, node: results.machine.node }), '');
  }
  if (results.throughput !== undefined) parts.push('### Throughput and latency (imdsd vs bare node:http baseline)', '', throughputTable(results), '');
  if (results.loadProfile !== undefined) {
    const lp = results.loadProfile;
    parts.push(`### Where imdsd's CPU goes under load (GET, 16 connections, ${n(lp.load.completed)} requests, --cpu-prof)`, '',
      profileTable('owner (nearest package on the stack)', lp.profile.byOwner.slice(0, 10)), '',
      table(['hottest function (self time)', 'ms', '%'], lp.profile.topFunctions.slice(0, 10).map((f) => [f.fn, f.ms, f.pct])), '');
  }
  if (results.coldStart !== undefined) {
    const c = results.coldStart;
    parts.push('### Cold start (medians)', '', table(['measure', 'ms'], [
      ['spawn → "listening" log line', c.toListeningMs],
      ['spawn → port answers a credential (token PUT + GET)', c.toCredentialMs],
      ['  of which: node boot + imports (spawn → "starting")', c.phases.bootAndImportMs],
      ['  config, roles, control socket ("starting" → "control")', c.phases.configAndControlMs],
      ['  first AssumeRole against the local STS ("control" → "ready")', c.phases.firstFetchMs],
      ['  listen on 127.0.0.1 and ::1 ("ready" → "listening")', c.phases.listenMs],
    ]), '');
  }
  if (results.importCost !== undefined) {
    const ic = results.importCost;
    parts.push('### Import cost (fresh process each, medians)', '', table(['what', 'ms'], [
      ['node -e "" (spawn to exit)', ic.nodeBootMs],
      ['node cli.js version (spawn to exit: boot + the CLI\'s whole import graph)', ic.cliVersionMs],
      ...ic.modules.map((m): [string, number] => [`import('${m.module}')`, m.ms]),
      ['first AssumeRole of a new STS client (local STS)', ic.firstAssumeRoleMs],
      ['second AssumeRole of the same client', ic.secondAssumeRoleMs],
    ]), '');
  }
  if (results.startupProfile !== undefined) {
    const sp = results.startupProfile;
    parts.push(`### Start-up CPU profile (spawn → "listening" ${sp.toListeningMs} ms under --cpu-prof; AWS SDK v3 family ${sp.awsSdkMs} ms = ${sp.awsSdkPct} %)`, '',
      profileTable('owner', sp.profile.byOwner.slice(0, 12)), '');
  }
  if (results.memory !== undefined) {
    const m = results.memory;
    parts.push('### Memory (VmRSS of the daemon)', '', table(['state', 'MiB'], [
      ['idle after start, one role', m.idleOneRoleMiB],
      ['after 100,000 credential GETs', m.after100kMiB],
      [`after ${n(m.totalRequests)} credential GETs (floor growth ${m.floorGrowthPct} %, second half vs first)`, m.series[m.series.length - 1]?.[1]],
      ['peak reading during the GETs', m.peakMiB],
      [`after ${n(m.tokenSequences)} more token PUT + GET sequences (token store at its 10,000 cap)`, m.afterTokenSequencesMiB],
      [`idle with 50 roles (all listening after ${m.fiftyRolesListeningMs} ms)`, m.idleFiftyRolesMiB],
    ]), '', `RSS trend (requests: MiB): ${m.series.map(([r, mib]) => `${r / 1000}k: ${mib ?? 'n/a'}`).join(', ')}`, '');
  }
  if (results.refreshScale !== undefined) {
    const r = results.refreshScale;
    parts.push('### Refresh at scale (the daemon\'s refresher, limiter and jitter per role, in-process; local STS in a child)', '', table(
      ['roles', 'first fetch ok', 'first fetch ms', 'refresh-all ok', 'refresh-all ms', 'STS calls (client / STS)', 'most in flight at the STS', 'loop delay p99 / max ms', 'RSS built MiB', 'peak RSS MiB', 'errors'],
      [[r.roles, `${r.firstFetchOk}/${r.roles}`, r.firstFetchMs, `${r.refreshAllOk}/${r.roles}`, r.refreshAllMs, `${r.stsCalls} / ${r.stsRequestsSeen}`,
        r.peakInFlightAtSts, `${r.loopDelayP99Ms} / ${r.loopDelayMaxMs}`, r.rssBuiltMiB, r.peakRssMiB, r.errors.join(', ') || 'none']],
    ), '');
  }
  if (results.hotPath !== undefined) {
    const h = results.hotPath;
    parts.push('### Hot path', '', table(['check', 'result'], [
      [`credential documents serialised during ${n(h.requests)} GETs over ${h.rotations} rotations`, `${h.credentialSerialisations} (JSON.stringify calls in all: ${h.stringifyCalls})`],
      ['cached answer is the same object per credential', String(h.cachedAnswerIdentical)],
      ['token check, 1 live token → 10,000 live tokens', `${h.tokenCheckNs.oneToken} → ${h.tokenCheckNs.tenThousandTokens} ns (×${h.tokenCheckNs.ratio})`],
    ]), '');
  }
  parts.push('### Budgets', '', table(['budget', 'target', 'measured', 'met'], results.budgets.map((b) => [b.name, b.budget, b.measured, b.met ? 'yes' : '**no**'])), '');
  return parts.join('\n');
}

/** bench/PERFORMANCE.md, written beside bench/README.md; docs/performance.md is the write-up. */
export function renderPerformanceSection(results: Results): string {
  return [
    '## Performance',
    '',
    'Measured by `npm run bench` (builds, then runs `dist/bench/run.js`; a few minutes; `BENCH_LONG=1` adds the',
    '1,000,000-request memory run). imdsd runs as the real daemon against a local STS and is compared, in',
    'alternating rounds of the same invocation, with a bare `node:http` server answering the same bytes after a',
    'token Map lookup. Medians of the rounds; see [bench/README.md](README.md) for what each number means.',
    '',
    renderReport(results),
  ].join('\n');
}
