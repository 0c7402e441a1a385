/**
 * Issue 3: the endpoint as users write it. Every spelling of the daemon's address that a
 * README, a shell profile or `imdsd env` might produce — with and without the trailing
 * slash, `localhost`, `127.0.0.1` and `[::1]`, and IPv6 endpoint mode with an explicit
 * `[::1]` endpoint — through JS v3, JS v2, botocore and the AWS CLI. (Mode IPv6 with no
 * endpoint means `http://[fd00:ec2::254]`, which does not exist off EC2.)
 */
import t from 'tap';
import { callerIdentity, type CallerName } from '../support/interop-caller.js';
import { requireClient } from '../support/interop-clients.js';
import { assertStsAccepted, callerIdentityCallsSince, startInteropFixture } from '../support/interop-fixture.js';
import { mapLimit } from '../support/interop-run.js';

const fx = await startInteropFixture(t, { sessionName: 'interop-spellings' });
const port = fx.port;

interface Spelling { readonly label: string; readonly env: Record<string, string>; readonly cli?: false }

const SPELLINGS: readonly Spelling[] = [
  { label: 'localhost with slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/` } },
  { label: 'localhost without slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}` } },
  { label: '127.0.0.1 with slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}/` } },
  { label: '127.0.0.1 without slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://127.0.0.1:${port}` }, cli: false },
  { label: '[::1] with slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://[::1]:${port}/` } },
  { label: '[::1] without slash', env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://[::1]:${port}` }, cli: false },
  {
    label: 'mode IPv6 with [::1] endpoint',
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6', AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://[::1]:${port}/` },
  },
];

/**
 * The AWS CLI 2.9 (its bundled botocore) joins endpoint and path with no separator, so an
 * endpoint without the trailing slash becomes `http://host:portlatest/api/token` and the
 * CLI refuses it before sending anything. That is the client's bug, not imdsd's: the
 * README and `imdsd env` give the slashed form. Any other failure is imdsd's. One
 * slashless spelling shows it; the CLI is too slow to start to repeat it for each host.
 */
const CLI_JOINING_BUG = /Invalid endpoint EC2 Instance Metadata endpoint: http:\/\/\S+:\d+latest\/api\/token/;

for (const client of ['js-v3', 'js-v2', 'boto3', 'aws-cli'] as const satisfies readonly CallerName[]) {
  t.test(`${client} reaches the daemon through every endpoint spelling`, async (t) => {
    if (await requireClient(t, client) === undefined) return;
    const spellings = SPELLINGS.filter((spelling) => client !== 'aws-cli' || spelling.cli !== false);
    const mark = fx.sts.calls.length;
    const outcomes = await mapLimit(spellings, 3, (spelling) => callerIdentity(client, fx, spelling.env));
    let succeeded = 0;
    spellings.forEach((spelling, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) return;
      const slashless = !spelling.env.AWS_EC2_METADATA_SERVICE_ENDPOINT?.endsWith('/');
      if (client === 'aws-cli' && slashless && !outcome.ok) {
        t.match(outcome.run.stderr, CLI_JOINING_BUG, `${spelling.label}: the CLI fails only on its own URL joining: ${outcome.said}`);
        t.comment(`aws-cli rejects the endpoint "${spelling.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? ''}" itself (no trailing slash)`);
        return;
      }
      succeeded += 1;
      t.ok(outcome.ok, `${spelling.label}: the client succeeded: ${outcome.said}`);
      assertStsAccepted(t, fx, mark, outcome, `${client}, ${spelling.label}`);
    });
    const accepted = callerIdentityCallsSince(fx.sts, mark).filter((call) => call.status === 200).length;
    t.equal(accepted, succeeded, 'one accepted GetCallerIdentity per successful client run');
  });
}
