/**
 * What the daemon's start-up time is made of, each part measured in a fresh node
 * process (nothing cached): node's own boot, `import()` of each dependency and of
 * imdsd's `run` command, the whole CLI, and the first and second AssumeRole of a new
 * STS client (the SDK loads more code on its first call).
 */
import { execFile } from 'node:child_process';
import { DEFAULT_ROLE_ARN, DEFAULT_USER } from '../test/support/sts-server.js';
import { CLI_ROOT } from './daemon.js';
import { pinned, type Pinning } from './pinning.js';
import { median, round } from './stats.js';

export interface ImportCost {
  /** `node -e ''`, spawn to exit. */
  readonly nodeBootMs: number;
  /** `node dist/src/cli/main.js version`, spawn to exit: boot plus the CLI's whole import graph. */
  readonly cliVersionMs: number;
  /** `import()` of each module alone, in a fresh process, ms. */
  readonly modules: ReadonlyArray<{ readonly module: string; readonly ms: number }>;
  /** A fresh STS client's first and second AssumeRole against the local STS, ms. */
  readonly firstAssumeRoleMs: number;
  readonly secondAssumeRoleMs: number;
}

/** Each module alone; the last two are imdsd's own graph for `run` and the SDK pair. */
export const MODULES = [
  '@aws-sdk/client-sts',
  '@aws-sdk/credential-providers',
  'fastify',
  'undici',
  'prom-client',
  'ajv',
  '@smithy/shared-ini-file-loader',
  'node-cron',
  'pino',
] as const;

function runNode(pinning: Pinning, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; ms: number }> {
  const { command, args: argv } = pinned(pinning, pinning.all, args);
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(command, argv, { cwd: CLI_ROOT, env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (error, stdout) => {
      if (error !== null) reject(error);
      else resolve({ stdout, ms: performance.now() - t0 });
    });
  });
}

/** Median over `rounds` fresh processes of what `script` prints (a number of ms). */
async function timedImport(pinning: Pinning, specifiers: readonly string[], rounds: number): Promise<number> {
  const script = `const t = performance.now(); for (const s of ${JSON.stringify(specifiers)}) await import(s); process.stdout.write(String(performance.now() - t));`;
  const samples: number[] = [];
  for (let i = 0; i < rounds; i += 1) samples.push(Number((await runNode(pinning, ['--input-type=module', '-e', script])).stdout));
  return round(median(samples), 1);
}

async function assumeRoleTimes(pinning: Pinning, stsUrl: string, rounds: number): Promise<{ first: number; second: number }> {
  const script = `
    const { createAssumeRoleIssue } = await import('./dist/src/refresher/issuers/assume-role.js');
    const { sourceProvider } = await import('./dist/src/refresher/source-credentials.js');
    const assumeRole = createAssumeRoleIssue({
      roleArn: ${JSON.stringify(DEFAULT_ROLE_ARN)}, sessionName: 'bench', region: 'us-east-1', endpoint: ${JSON.stringify(stsUrl)},
      credentials: sourceProvider({ kind: 'static', accessKeyId: ${JSON.stringify(DEFAULT_USER.accessKeyId)}, secretAccessKey: ${JSON.stringify(DEFAULT_USER.secretAccessKey)} }),
      deadlineMs: 10000,
    });
    let t = performance.now(); await assumeRole(undefined); const first = performance.now() - t;
    t = performance.now(); await assumeRole(undefined); const second = performance.now() - t;
    process.stdout.write(JSON.stringify({ first, second }));`;
  const firsts: number[] = [];
  const seconds: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const { stdout } = await runNode(pinning, ['--input-type=module', '-e', script], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' });
    const parsed = JSON.parse(stdout) as { first: number; second: number };
    firsts.push(parsed.first);
    seconds.push(parsed.second);
  }
  return { first: round(median(firsts), 1), second: round(median(seconds), 1) };
}

export async function measureImportCost(pinning: Pinning, stsUrl: string, rounds: number): Promise<ImportCost> {
  const boots: number[] = [];
  const clis: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    boots.push((await runNode(pinning, ['-e', ''])).ms);
    clis.push((await runNode(pinning, ['dist/src/cli/main.js', 'version'])).ms);
  }
  const modules: Array<{ module: string; ms: number }> = [];
  for (const specifier of MODULES) modules.push({ module: specifier, ms: await timedImport(pinning, [specifier], rounds) });
  modules.push({
    module: '@aws-sdk/client-sts + @aws-sdk/credential-providers',
    ms: await timedImport(pinning, ['@aws-sdk/client-sts', '@aws-sdk/credential-providers'], rounds),
  });
  modules.push({ module: 'imdsd dist/src/daemon/run.js (all `run` needs)', ms: await timedImport(pinning, ['./dist/src/daemon/run.js'], rounds) });
  const assume = await assumeRoleTimes(pinning, stsUrl, rounds);
  return {
    nodeBootMs: round(median(boots), 1),
    cliVersionMs: round(median(clis), 1),
    modules,
    firstAssumeRoleMs: assume.first,
    secondAssumeRoleMs: assume.second,
  };
}
