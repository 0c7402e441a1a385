/**
 * The one reporter: every question file answers with rows (a figure, imdsd's value, the
 * baseline's from the same run, their ratio, the target from bench/budgets.ts and whether
 * it was met), printed as one markdown table on stdout; `npm run bench` also writes them
 * with the machine to bench/results.json and bench/PERFORMANCE.md. A question file run
 * alone (`node dist/bench/idle.js`) prints its own rows.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostSockets } from './load.js';
import { CLI_PATH, CPUS, createBench, HERE, killAll, pinSelf, progress, SETTINGS, type Bench } from './setup.js';

export interface Row {
  readonly figure: string;
  readonly imdsd: string;
  readonly baseline?: string;
  readonly ratio?: string;
  readonly target?: string;
  /** Undefined when the figure has no target. */
  readonly met?: boolean;
}

export type Question = (bench: Bench) => Promise<Row[]>;

export const n = (value: number): string => Math.round(value).toLocaleString('en-US');

export function renderTable(rows: readonly Row[]): string {
  const lines = ['| figure | imdsd | baseline (same run) | imdsd / baseline | target | met |', '| --- | --- | --- | --- | --- | --- |'];
  for (const r of rows) {
    const met = r.met === undefined ? '–' : r.met ? 'yes' : '**no**';
    lines.push(`| ${r.figure} | ${r.imdsd} | ${r.baseline ?? '–'} | ${r.ratio ?? '–'} | ${r.target ?? '–'} | ${met} |`);
  }
  return lines.join('\n');
}

export function describeMachine(loadAtStart: number): string {
  const pinning = CPUS.pinned ? `taskset: this process and wrk on CPU 0, servers on CPU ${CPUS.servers}` : 'not pinned';
  return `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${process.platform} ${release()}; `
    + `${pinning}; load average ${loadAtStart} → ${round1(loadavg()[0])}; ${n(hostSockets())} TCP sockets on the host; ${new Date().toISOString()}`;
}

const round1 = (value = 0): number => Math.round(value * 100) / 100;
export const loadAverage = (): number => round1(loadavg()[0]);

/** Runs `questions` in order with one local STS, each answer's rows as they come. */
export async function runQuestions(questions: ReadonlyArray<readonly [string, Question]>): Promise<Array<{ question: string; rows: Row[] }>> {
  pinSelf();
  const bench = await createBench();
  const answers: Array<{ question: string; rows: Row[] }> = [];
  try {
    for (const [question, answer] of questions) {
      progress(question);
      answers.push({ question, rows: await answer(bench) });
    }
  } finally {
    await bench.close();
  }
  return answers;
}

/** Writes bench/results.json and bench/PERFORMANCE.md (or into BENCH_OUT_DIR). */
export function writeResults(answers: ReadonlyArray<{ question: string; rows: Row[] }>, machine: string): void {
  const dir = process.env.BENCH_OUT_DIR ?? join(HERE, '..', '..', 'bench');
  const rows = answers.flatMap((a) => a.rows);
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify({ machine, cli: CLI_PATH, settings: SETTINGS, answers }, null, 2)}\n`);
  writeFileSync(join(dir, 'PERFORMANCE.md'), [
    '## Performance', '', `Measured by \`npm run bench\`; see [bench/README.md](README.md) for what each figure means.`, '',
    `Machine: ${machine}`, '', `Settings: ${SETTINGS.rounds} alternating rounds of ${SETTINGS.durationSec} s per server, medians; CLI ${CLI_PATH}`, '',
    renderTable(rows), '',
  ].join('\n'));
  progress(`wrote ${join(dir, 'results.json')} and PERFORMANCE.md`);
}

/** For a question file run as a program: answers that one question and prints its table. */
export function runAlone(moduleUrl: string, question: Question): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  const loadAtStart = loadAverage();
  runQuestions([[basename(fileURLToPath(moduleUrl), '.js'), question]]).then((answers) => {
    process.stdout.write(`${describeMachine(loadAtStart)}\n\n${renderTable(answers.flatMap((a) => a.rows))}\n`);
  }, exitOnError);
}

export function exitOnError(error: unknown): void {
  killAll();
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAll();
    process.exit(130);
  });
}
