/**
 * The zero-configuration matrix of issue 14, run inside the test's network namespace:
 * each real client runs as the daemon's owner (the uid check applies to 169.254.169.254
 * peers too) with an empty HOME and NO AWS_EC2_METADATA_SERVICE_ENDPOINT, so it can only
 * find imdsd through its built-in default, http://169.254.169.254/ on port 80. Only the
 * local STS's URL is given, as each client's own option for it.
 */
import { AWS_CLI, BOTO3_CLIENT, CURL, PYTHON, SDK_V3_CLIENT } from '../interop-clients.js';
import { type ClientRun, lastJson, runClient, wholeJson } from '../interop-run.js';

export const SETPRIV = '/usr/bin/setpriv';
export const ACTIVATE = '/usr/bin/systemd-socket-activate';
export const RUBY = '/usr/bin/ruby';
/** The daemon's RoleSessionName: the assumed-role ARN every client must get back. */
export const SESSION_NAME = 'link-local';
const IMDS = 'http://169.254.169.254';
const TTL = 'X-aws-ec2-metadata-token-ttl-seconds: 21600';

/** A local account, and the empty HOME its clients get. */
export interface Account {
  readonly uid: number;
  readonly gid: number;
  readonly home: string;
}

/** What netns-child.ts is given, as JSON in argv[2]. */
export interface ChildPlan {
  readonly owner: Account;
  readonly peer: Account;
  readonly goClient: string;
  readonly rubyClient: string;
}

export interface MatrixPaths {
  readonly stsUrl: string;
  readonly goClient: string;
  readonly rubyClient: string;
}

/** What one client reported: the key it used and the identity STS answered with. */
export interface ClientOutcome {
  readonly name: string;
  readonly ok: boolean;
  readonly arn?: unknown;
  readonly accessKeyId?: unknown;
  readonly run: ClientRun;
}

/** Runs `file` as `account`, with nothing of root's environment. */
export function runAs(account: Account, file: string, args: readonly string[], extra: Record<string, string> = {}): Promise<ClientRun> {
  const env = { PATH: '/usr/bin:/bin', HOME: account.home, LANG: 'C', ...extra };
  return runClient(SETPRIV, [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', file, ...args], env);
}

/** A curl call as `account`: the status code, then the body, on stdout. */
export async function curlAs(account: Account, args: readonly string[]): Promise<{ status: string; body: string; run: ClientRun }> {
  const run = await runAs(account, CURL, ['-sS', '-g', '--max-time', '5', '-w', '\n%{http_code}', ...args]);
  const cut = run.stdout.lastIndexOf('\n');
  return { status: run.stdout.slice(cut + 1), body: run.stdout.slice(0, Math.max(cut, 0)), run };
}

function reported(name: string, run: ClientRun): ClientOutcome {
  const report = lastJson(run) ?? {};
  return { name, ok: report.ok === true, arn: report.arn, accessKeyId: report.accessKeyId, run };
}

/** curl's IMDSv2 sequence by hand, then GetCallerIdentity signed by curl's own SigV4. */
async function curlSequence(account: Account, stsUrl: string): Promise<ClientOutcome> {
  const token = await curlAs(account, ['-X', 'PUT', '-H', TTL, `${IMDS}/latest/api/token`]);
  const auth = ['-H', `X-aws-ec2-metadata-token: ${token.body}`];
  const role = await curlAs(account, [...auth, `${IMDS}/latest/meta-data/iam/security-credentials/`]);
  const doc = await curlAs(account, [...auth, `${IMDS}/latest/meta-data/iam/security-credentials/${role.body}`]);
  let credential: Record<string, unknown> = {};
  try {
    credential = JSON.parse(doc.body) as Record<string, unknown>;
  } catch {
    return { name: 'curl', ok: false, run: doc.run };
  }
  const sts = await curlAs(account, ['--aws-sigv4', 'aws:amz:us-east-1:sts',
    '--user', `${String(credential.AccessKeyId)}:${String(credential.SecretAccessKey)}`,
    '-H', `x-amz-security-token: ${String(credential.Token)}`,
    '-d', 'Action=GetCallerIdentity&Version=2011-06-15', stsUrl]);
  const arn = /<Arn>([^<]+)<\/Arn>/.exec(sts.body)?.[1];
  return { name: 'curl', ok: sts.status === '200' && arn !== undefined, arn, accessKeyId: credential.AccessKeyId, run: sts.run };
}

/** Every client of the matrix, one after the other (two cores, 1 s IMDS timeouts). */
export async function zeroConfigMatrix(owner: Account, paths: MatrixPaths): Promise<ClientOutcome[]> {
  const { stsUrl } = paths;
  const outcomes: ClientOutcome[] = [];
  outcomes.push(reported('js-v3', await runAs(owner, process.execPath, [SDK_V3_CLIENT], { AWS_ENDPOINT_URL_STS: stsUrl, AWS_REGION: 'us-east-1' })));
  outcomes.push(reported('js-v3 (IPv6 mode)', await runAs(owner, process.execPath, [SDK_V3_CLIENT],
    { AWS_ENDPOINT_URL_STS: stsUrl, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' })));
  outcomes.push(reported('boto3', await runAs(owner, PYTHON, [BOTO3_CLIENT], { AWS_ENDPOINT_URL_STS: stsUrl, AWS_DEFAULT_REGION: 'us-east-1' })));
  const cli = await runAs(owner, AWS_CLI, ['sts', 'get-caller-identity', '--endpoint-url', stsUrl, '--output', 'json']);
  const cliReport = wholeJson(cli) ?? {};
  outcomes.push({ name: 'aws-cli', ok: cli.code === 0 && typeof cliReport.Arn === 'string', arn: cliReport.Arn, run: cli });
  outcomes.push(await curlSequence(owner, stsUrl));
  outcomes.push(reported('ruby', await runAs(owner, RUBY, [paths.rubyClient, stsUrl])));
  outcomes.push(reported('go-v2', await runAs(owner, paths.goClient, [stsUrl])));
  return outcomes;
}

/** The refusals: another local user, and a foreign Host from the owner. */
export async function refusals(owner: Account, peer: Account): Promise<Record<string, string>> {
  const put = ['-X', 'PUT', '-H', TTL];
  return {
    peerToken: (await curlAs(peer, [...put, `${IMDS}/latest/api/token`])).status,
    peerTokenV6: (await curlAs(peer, [...put, 'http://[fd00:ec2::254]/latest/api/token'])).status,
    peerCredential: (await curlAs(peer, [`${IMDS}/latest/meta-data/iam/security-credentials/dev`])).status,
    evilHost: (await curlAs(owner, [...put, '-H', 'Host: evil.example', `${IMDS}/latest/api/token`])).status,
    ownerToken: (await curlAs(owner, [...put, `${IMDS}/latest/api/token`])).status,
  };
}
