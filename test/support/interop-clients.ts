/**
 * Where the interop suite's real clients live on this machine and which versions they
 * are. Debian's packages are used at absolute paths: `python3` and `aws` on PATH may be
 * shims of another install (pyenv here), and the suite must test what CI installs.
 * A client that is missing skips its tests with what to install, or fails them where
 * IMDSD_REQUIRE_CLIENTS is set (CI): see required-tools.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './daemon-process.js';
import { reportMissingTool, type Reporter } from './required-tools.js';

export const AWS_CLI = '/usr/bin/aws';
export const PYTHON = '/usr/bin/python3';
export const CURL = '/usr/bin/curl';
export const BOTO3_CLIENT = join(REPO_ROOT, 'test', 'support', 'interop-boto3.py');
export const SDK_V2_CLIENT = join(REPO_ROOT, 'dist', 'test', 'support', 'interop-sdk-v2.js');
export const SDK_V3_CLIENT = join(REPO_ROOT, 'dist', 'test', 'support', 'sdk-client.js');

export type ClientName = 'aws-cli' | 'boto3' | 'curl' | 'js-v2' | 'js-v3';

export interface ClientInfo {
  readonly name: ClientName;
  /** The executable or package that is run. */
  readonly path: string;
  /** Set when the client was found and answered. */
  readonly version?: string;
  /** Why it cannot be used, with what to install. */
  readonly problem?: string;
}

const INSTALL: Record<ClientName, string> = {
  'aws-cli': "install Debian's awscli: apt-get install awscli",
  boto3: "install Debian's boto3: apt-get install python3-boto3",
  curl: 'install curl: apt-get install curl',
  'js-v2': 'install the devDependencies: npm ci (aws-sdk v2 is a devDependency)',
  'js-v3': 'install the dependencies: npm ci (@aws-sdk/client-sts is a dependency)',
};

const require = createRequire(join(REPO_ROOT, 'package.json'));

function output(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 20_000, env: { PATH: '/usr/bin:/bin', LANG: 'C' } }, (error, stdout, stderr) => {
      if (error === null) resolve(`${stdout}${stderr}`.trim());
      else reject(new Error(`${file} ${args.join(' ')} failed: ${error.message}`));
    });
  });
}

function packageVersion(name: string, from?: string): string {
  const paths = from === undefined ? undefined : [from];
  const manifest = require(require.resolve(`${name}/package.json`, paths ? { paths } : undefined)) as { version?: string };
  return manifest.version ?? 'unknown';
}

/** The versions that matter for IMDS: the package, and the credential provider inside it. */
function jsV3Version(): string {
  const sts = packageVersion('@aws-sdk/client-sts');
  const stsDir = dirname(require.resolve('@aws-sdk/client-sts/package.json'));
  const providerNode = dirname(require.resolve('@aws-sdk/credential-provider-node/package.json', { paths: [stsDir] }));
  const imds = packageVersion('@smithy/credential-provider-imds', providerNode);
  const http = packageVersion('@aws-sdk/credential-provider-http', providerNode);
  return `@aws-sdk/client-sts ${sts} (@smithy/credential-provider-imds ${imds}, @aws-sdk/credential-provider-http ${http})`;
}

async function probe(name: ClientName): Promise<string> {
  switch (name) {
    case 'aws-cli':
      if (!existsSync(AWS_CLI)) throw new Error(`${AWS_CLI} does not exist`);
      return (await output(AWS_CLI, ['--version'])).split('\n')[0] ?? '';
    case 'boto3':
      if (!existsSync(PYTHON)) throw new Error(`${PYTHON} does not exist`);
      // Not together with awscli: importing awscli.botocore replaces `botocore` in sys.modules.
      return output(PYTHON, ['-c', "import boto3, botocore, sys; print('boto3 %s, botocore %s, Python %s' % (boto3.__version__, botocore.__version__, sys.version.split()[0]))"]);
    case 'curl':
      if (!existsSync(CURL)) throw new Error(`${CURL} does not exist`);
      return (await output(CURL, ['--version'])).split('\n')[0] ?? '';
    case 'js-v2':
      return `aws-sdk ${packageVersion('aws-sdk')}`;
    case 'js-v3':
      return jsV3Version();
  }
}

const PATHS: Record<ClientName, string> = {
  'aws-cli': AWS_CLI, boto3: PYTHON, curl: CURL, 'js-v2': 'aws-sdk', 'js-v3': '@aws-sdk/client-sts',
};

export const CLIENT_NAMES: readonly ClientName[] = ['aws-cli', 'boto3', 'curl', 'js-v2', 'js-v3'];

export async function locateClient(name: ClientName): Promise<ClientInfo> {
  try {
    return { name, path: PATHS[name], version: await probe(name) };
  } catch (error) {
    return { name, path: PATHS[name], problem: `${name} is not usable (${(error as Error).message}): ${INSTALL[name]}` };
  }
}

/**
 * The client, or (undefined and) a skip or failure saying what to install. Call it at the
 * start of every test that runs the client, and return when it gives undefined.
 */
export async function requireClient(t: Reporter, name: ClientName): Promise<ClientInfo | undefined> {
  const info = await locateClient(name);
  if (info.problem === undefined) return info;
  reportMissingTool(t, info.problem);
  return undefined;
}

/** A fixed-width table of every client and its version, for the CI log. */
export function versionsTable(clients: readonly ClientInfo[]): string {
  const width = Math.max(...clients.map((c) => c.name.length));
  return clients.map((c) => `${c.name.padEnd(width)}  ${c.version ?? `MISSING: ${c.problem ?? ''}`}  [${c.path}]`).join('\n');
}
