/**
 * `npm run bench`: the questions below in one invocation, one local STS, one table on
 * stdout (progress on stderr), then bench/results.json and bench/PERFORMANCE.md. By default
 * issue 15's figures in under five minutes; BENCH_ALL=1 adds the peer lookup; BENCH_ONLY
 * names some (file names, or the older `issue`, `cold`, `refresh`).
 */
import { credentialGet } from './credential-get.js';
import { idle } from './idle.js';
import { memory } from './memory.js';
import { newConnection } from './new-connection.js';
import { peerLookup } from './peer-lookup.js';
import { describeMachine, exitOnError, loadAverage, renderTable, runQuestions, writeResults, type Question } from './report.js';
import { manyRoles } from './roles.js';
import { startup } from './startup.js';

const QUESTIONS: ReadonlyArray<readonly [string, Question, boolean]> = [
  ['credential-get', credentialGet, true],
  ['idle', idle, true],
  ['startup', startup, true],
  ['roles', manyRoles, true],
  ['memory', memory, true],
  // Last: a connection per request leaves ~100,000 TIME_WAIT sockets for a minute, which
  // starves later connections of ephemeral ports (1,000 roles' STS calls failed after it).
  ['new-connection', newConnection, true],
  ['peer-lookup', peerLookup, false],
];
const ALIASES: Record<string, readonly string[]> = { issue: ['credential-get', 'new-connection', 'idle'], cold: ['startup'], refresh: ['roles'] };

function chosen(): Array<readonly [string, Question]> {
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '').flatMap((s) => ALIASES[s] ?? [s]);
  const unknown = only.filter((name) => !QUESTIONS.some(([q]) => q === name));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: no question ${unknown.join(', ')} (known: ${QUESTIONS.map(([q]) => q).join(', ')})`);
  return QUESTIONS
    .filter(([name, , byDefault]) => (only.length > 0 ? only.includes(name) : byDefault || process.env.BENCH_ALL === '1'))
    .map(([name, question]) => [name, question] as const);
}

async function main(): Promise<void> {
  const loadAtStart = loadAverage();
  const answers = await runQuestions(chosen());
  const machine = describeMachine(loadAtStart);
  process.stdout.write(`Machine: ${machine}\n\n${renderTable(answers.flatMap((a) => a.rows))}\n`);
  writeResults(answers, machine);
}

main().catch(exitOnError);
