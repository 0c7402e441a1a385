/**
 * "Call GetCallerIdentity with whatever your default chain finds" for each real client,
 * with one outcome shape, so a test can run the same scenario through every client.
 * The region each client needs (and cannot take from IMDS) is added here; the AWS CLI
 * gets none, because it finds its region through IMDS.
 */
import { AWS_CLI, BOTO3_CLIENT, PYTHON, SDK_V2_CLIENT, SDK_V3_CLIENT, type ClientName } from './interop-clients.js';
import type { InteropFixture } from './interop-fixture.js';
import { type ClientRun, describeRun, lastJson, runClient, wholeJson } from './interop-run.js';

export type CallerName = Exclude<ClientName, 'curl'>;

export interface CallerOutcome {
  readonly ok: boolean;
  readonly arn?: unknown;
  readonly accessKeyId?: unknown;
  /** The client's own report (JSON line, or the CLI's output). */
  readonly report: Record<string, unknown>;
  readonly run: ClientRun;
  /** For assertion messages. */
  readonly said: string;
}

/** Client environment variables, beyond the fixture's clean base, that reach the local STS. */
function stsEnv(name: CallerName, fx: InteropFixture): Record<string, string> {
  switch (name) {
    case 'js-v3': return { AWS_ENDPOINT_URL_STS: fx.sts.url, AWS_REGION: 'us-east-1' };
    // v2 reads neither; interop-sdk-v2 passes the URL to its STS client.
    case 'js-v2': return { AWS_ENDPOINT_URL_STS: fx.sts.url, AWS_REGION: 'us-east-1' };
    // botocore 1.29 predates AWS_ENDPOINT_URL_STS; interop-boto3.py passes it as endpoint_url.
    case 'boto3': return { AWS_ENDPOINT_URL_STS: fx.sts.url, AWS_DEFAULT_REGION: 'us-east-1' };
    // The CLI 2.9 predates AWS_ENDPOINT_URL_STS too: --endpoint-url is on its command line.
    case 'aws-cli': return {};
  }
}

/**
 * Runs `name` with the fixture's clean environment plus `extra` (undefined removes a
 * variable) and returns what it got from STS.
 */
export async function callerIdentity(
  name: CallerName, fx: InteropFixture, extra: Record<string, string | undefined>, cliArgs: readonly string[] = [],
): Promise<CallerOutcome> {
  const env = fx.clientEnv({ ...stsEnv(name, fx), ...extra });
  let run: ClientRun;
  switch (name) {
    case 'js-v3': run = await runClient(process.execPath, [SDK_V3_CLIENT], env); break;
    case 'js-v2': run = await runClient(process.execPath, [SDK_V2_CLIENT], env); break;
    case 'boto3': run = await runClient(PYTHON, [BOTO3_CLIENT], env); break;
    case 'aws-cli':
      run = await runClient(AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', fx.sts.url, '--output', 'json', ...cliArgs], env);
      break;
  }
  if (name === 'aws-cli') {
    const report = wholeJson(run) ?? {};
    return { ok: run.code === 0 && typeof report.Arn === 'string', arn: report.Arn, report, run, said: describeRun(run) };
  }
  const report = lastJson(run) ?? {};
  return { ok: report.ok === true, arn: report.arn, accessKeyId: report.accessKeyId, report, run, said: describeRun(run) };
}
