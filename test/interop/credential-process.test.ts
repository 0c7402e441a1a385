/**
 * Issue 3: `imdsd credential-process` as the credential_process of a profile in each
 * client's own ~/.aws/config, for tools that read profiles only. The command names the
 * daemon's control socket, since the client's HOME is not the daemon's. The profile's
 * region is the only region the client has, and the STS sees it in the signature.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { callerIdentity, type CallerName } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { CLI } from '../support/daemon-process.js';
import { assertStsAccepted, startInteropFixture } from '../support/interop-fixture.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-process' });
const PROFILE_REGION = 'eu-west-1';

/** A fresh HOME whose ~/.aws/config has the `imdsd` profile (paths quoted: they may hold spaces). */
function homeWithProfile(): string {
  const home = mkdtempSync(join(tmpdir(), 'imdsd-client-home-'));
  mkdirSync(join(home, '.aws'), { mode: 0o700 });
  writeFileSync(join(home, '.aws', 'config'), [
    '[profile imdsd]',
    `credential_process = "${process.execPath}" "${CLI}" credential-process --role dev --control-socket "${fx.controlSocket}"`,
    `region = ${PROFILE_REGION}`,
    '',
  ].join('\n'), { mode: 0o600 });
  return home;
}

/** What each client reports as the provider that found the credential. */
const PROVIDER: Partial<Record<CallerName, { field: string; value: string }>> = {
  'js-v2': { field: 'provider', value: 'ProcessCredentials' },
  boto3: { field: 'method', value: 'custom-process' },
};

for (const client of ['aws-cli', 'boto3', 'js-v3', 'js-v2'] as const satisfies readonly CallerName[]) {
  t.test(`${client} runs imdsd credential-process from its profile`, async (t) => {
    if (await requireClient(t, client) === undefined) return;
    const mark = fx.sts.calls.length;
    // AWS_REGION/AWS_DEFAULT_REGION cleared: the profile's region is the one to use. JS v2
    // reads profile settings only with AWS_SDK_LOAD_CONFIG.
    const outcome = await callerIdentity(client, fx, {
      HOME: homeWithProfile(), AWS_PROFILE: 'imdsd', AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined,
      ...(client === 'js-v2' ? { AWS_SDK_LOAD_CONFIG: '1' } : {}),
    });
    t.ok(outcome.ok, `the client succeeded: ${outcome.said}`);
    const call = assertStsAccepted(t, fx, mark, outcome, `${client} via credential_process`);
    const provider = PROVIDER[client];
    if (provider !== undefined) t.equal(outcome.report[provider.field], provider.value, `found by the process provider (${provider.value})`);
    const served = await fx.servedCredential();
    if (outcome.accessKeyId !== undefined) t.equal(outcome.accessKeyId, served.AccessKeyId, 'the credential the daemon serves');
    t.equal(call?.region, PROFILE_REGION, 'signed for the profile\'s region');
  });
}
