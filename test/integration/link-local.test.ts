/**
 * Issue 14, link-local mode: with NO AWS_EC2_METADATA_SERVICE_ENDPOINT at all, every
 * client finds imdsd at http://169.254.169.254/ (port 80) and gets a credential the local
 * STS accepts: JS v3 (also in IPv6 mode, [fd00:ec2::254]), botocore, the AWS CLI, curl's
 * IMDSv2 sequence, Debian's Ruby SDK and Debian's Go SDK v2. The daemon runs as an
 * unprivileged user under systemd-socket-activate, which binds port 80 as root, as the
 * installed socket unit does. Another local user gets 403, and so does a foreign Host.
 *
 * Everything runs in a network namespace the test creates (`unshare --net`: only its own
 * `lo`, holding 169.254.169.254/32), so no packet leaves it; see test/support/netns.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import t, { type Test } from 'tap';
import { locateClient, type ClientName } from '../support/interop-clients.js';
import { ASSUMED_ROLE_PREFIX } from '../support/interop-fixture.js';
import { describeRun, type ClientRun } from '../support/interop-run.js';
import { ACTIVATE, RUBY, SESSION_NAME, SETPRIV } from '../support/link-local/clients.js';
import { buildGoClient, checkoutUnreachable, GOPATH, localAccount, removeRunDirectory, RUBY_CLIENT, runDirectory, runInNetns, type ChildEvent } from '../support/netns.js';
import { reportMissingTool } from '../support/required-tools.js';
import type { StsCall } from '../support/sts-server.js';

const EXPECTED_ARN = `${ASSUMED_ROLE_PREFIX}${SESSION_NAME}`;
const isRoot = process.getuid?.() === 0;
const skip = process.platform !== 'linux' ? 'network namespaces and /proc peer uids are Linux only'
  : !isRoot ? 'not root: cannot create a network namespace, users, or bind port 80' : checkoutUnreachable() ?? false;

/** Infrastructure the whole file needs; a missing piece fails under IMDSD_REQUIRE_CLIENTS. */
const INFRA: ReadonlyArray<readonly [string, string]> = [
  ['/usr/bin/unshare', 'apt-get install util-linux'], [SETPRIV, 'apt-get install util-linux'],
  [ACTIVATE, 'apt-get install systemd'], ['/usr/sbin/ip', 'apt-get install iproute2'],
];

/** Matrix entries beyond the interop suite's clients: how to tell they are installed. */
async function missing(name: string): Promise<string | undefined> {
  const interop: Record<string, ClientName> = { 'js-v3': 'js-v3', 'js-v3 (IPv6 mode)': 'js-v3', boto3: 'boto3', 'aws-cli': 'aws-cli', curl: 'curl' };
  const known = interop[name];
  if (known !== undefined) return (await locateClient(known)).problem;
  if (name === 'ruby') {
    try {
      execFileSync(RUBY, ['-e', 'require "aws-sdk-core"'], { stdio: 'ignore', timeout: 20_000 });
      return undefined;
    } catch {
      return `Debian's Ruby SDK is not usable: apt-get install ruby-aws-sdk-core`;
    }
  }
  return existsSync('/usr/bin/go') && existsSync(`${GOPATH}/src/github.com/aws/aws-sdk-go-v2/service/sts`) ? undefined
    : `Debian's Go SDK v2 is not installed: apt-get install golang-go golang-github-aws-aws-sdk-go-v2-dev`;
}

function stsAccepted(calls: readonly StsCall[], accessKeyId: unknown): StsCall | undefined {
  return calls.filter((call) => call.action === 'GetCallerIdentity' && call.status === 200
    && (accessKeyId === undefined || call.accessKeyId === accessKeyId)).pop();
}

function checkClient(t: Test, event: ChildEvent, calls: readonly StsCall[]): void {
  const run = event.run as ClientRun;
  const said = describeRun(run);
  t.ok(event.ok, `${String(event.name)} got a credential with no configuration: ${said}`);
  t.equal(event.arn, EXPECTED_ARN, `${String(event.name)}: GetCallerIdentity returned the assumed role`);
  const call = stsAccepted(calls, event.accessKeyId);
  t.match(call?.accessKeyId, /^ASIA[A-Z0-9]{16}$/, `${String(event.name)}: the STS accepted a call signed with a session key`);
  t.ok(calls.some((c) => c.action === 'AssumeRole' && c.issuedAccessKeyId === call?.accessKeyId),
    `${String(event.name)}: a key the daemon's AssumeRole was issued`);
}

t.test('zero configuration: every client finds imdsd at 169.254.169.254:80 in its own network namespace', { skip }, async (t) => {
  const absent = INFRA.filter(([path]) => !existsSync(path));
  if (absent.length > 0) {
    reportMissingTool(t, `link-local test needs ${absent.map(([path, fix]) => `${path} (${fix})`).join(', ')}`);
    return;
  }
  const base = runDirectory();
  t.teardown(() => removeRunDirectory(base));
  const owner = localAccount('imdsd-ll-owner', base);
  const peer = localAccount('imdsd-ll-peer', base);
  const goClient = await buildGoClient(base).catch((error: Error) => `/nonexistent (${error.message})`);
  const run = runInNetns({ owner, peer, goClient, rubyClient: RUBY_CLIENT }, 100_000);
  t.teardown(() => run.stop());
  const { events, stderr, code } = await run.done;
  const of = (name: string) => events.filter((e) => e.event === name);
  t.same(of('error'), [], `the namespace child ran to the end (exit ${code}; stderr: ${stderr.slice(-2000)})`);
  const daemon = of('daemon')[0];
  t.equal(of('started')[0]?.status, '200', `the first connection waited in the passed socket and was served (daemon: ${JSON.stringify(daemon?.stderr)})`);
  t.match(of('listening')[0]?.line, { event: 'listening' }, 'the daemon serves the passed sockets');
  t.equal(daemon?.exit, 0, 'and stopped cleanly on SIGTERM');
  const calls = (of('sts')[0]?.calls ?? []) as StsCall[];
  for (const client of of('client')) {
    await t.test(String(client.name), async (t) => {
      const problem = await missing(String(client.name));
      if (problem !== undefined) reportMissingTool(t, problem);
      else checkClient(t, client, calls);
    });
  }
  t.equal(of('client').length, 7, 'all seven matrix entries ran');
  const statuses = of('refusals')[0]?.statuses as Record<string, string> | undefined;
  t.equal(statuses?.peerToken, '403', 'a second local user connecting to 169.254.169.254:80 gets 403');
  t.equal(statuses?.peerTokenV6, '403', 'and over [fd00:ec2::254]:80');
  t.equal(statuses?.peerCredential, '403', 'and no credential either');
  t.equal(statuses?.evilHost, '403', 'Host: evil.example gets 403, even from the owner');
  t.equal(statuses?.ownerToken, '200', 'while the owner is still served');
  const doctor = of('doctor')[0];
  const findings = (Array.isArray(doctor?.findings) ? doctor.findings : []) as Array<Record<string, unknown>>;
  const finding = (id: string) => findings.find((f) => f.id === id);
  t.match(finding('env-endpoint'), { level: 'ok', title: /not set, and not needed: in link-local mode SDKs reach role dev at http:\/\/169\.254\.169\.254\// },
    `doctor: no variable is needed (${JSON.stringify(doctor)})`);
  t.match(finding('imds-reachable'), { level: 'ok', title: /^http:\/\/169\.254\.169\.254\/ answers the IMDSv2 sequence/ }, 'doctor: 169.254.169.254:80 answers with this daemon');
  t.match(doctor?.env, /^unset AWS_EC2_METADATA_SERVICE_ENDPOINT$/m, 'imdsd env removes the variable instead of setting it');
  t.match(doctor?.status, /^ {2}endpoint {6}http:\/\/169\.254\.169\.254\/ {2}http:\/\/\[fd00:ec2::254\]\/$/m,
    `imdsd status shows the addresses that serve (issue 19): ${String(doctor?.status)}`);
  t.notMatch(doctor?.status, /localhost/, 'and not localhost, where nothing listens');
  t.match(of('listening')[0]?.line, { msg: /at http:\/\/169\.254\.169\.254\/ and http:\/\/\[fd00:ec2::254\]\/: SDKs find it with no variable/ },
    'the start-up line names them too, not a variable to export');
  const refused = ((daemon?.lines ?? []) as Array<Record<string, unknown>>).filter((line) => line.event === 'peer-refused');
  t.match(refused[0], { peer: { uid: peer.uid, address: '169.254.169.254' } }, 'the refusal is logged with the other user\'s uid and address');
});
