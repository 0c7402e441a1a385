/** `imdsd status` as people read it, including where the credential comes from (issue 13). */
import t from 'tap';
import { countdown, endpointText, formatStatus, lifetimeBar } from '../../../src/cli/commands/status-format.js';
import type { DaemonStatus, RoleStatus } from '../../../src/contract/control-api.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const at = (ms: number): string => new Date(ms).toISOString();

function status(role: Partial<RoleStatus>): DaemonStatus {
  return {
    version: '0.1.0', pid: 1, startedAt: at(NOW - 3_000), now: at(NOW), containerTokenFile: '/x',
    roles: [{ roleName: 'Developer', roleArn: '', region: 'eu-west-1', port: 1338, addresses: ['127.0.0.1'], containerCredentialsUri: undefined,
      state: 'fresh', consecutiveFailures: 0, expiresAt: at(NOW + 3_000_000), issuedAt: at(NOW - 600_000), ...role }],
  };
}

t.test('countdowns and bars', async (t) => {
  t.equal(countdown(3_725_000), '1h02m05s', 'hours');
  t.equal(countdown(-65_000), 'expired 1m05s ago', 'past');
  t.equal(lifetimeBar(0, 100, 50), '[##########..........] 50%', 'half');
});

t.test('an SSO role: its source and the login\'s time left, with the command when it is short', async (t) => {
  const command = 'aws sso login --sso-session corp';
  const long = formatStatus(status({ source: 'sso', ssoLogin: { session: 'corp', command, endsAt: at(NOW + 5 * 3_600_000), renewable: false } }), NOW);
  t.match(long, /source +sso/, 'the source');
  t.match(long, /sso login +corp: 5h00m00s left/, 'the time left');
  t.notMatch(long, /role {10}/, 'no role ARN line where none is known');
  const short = formatStatus(status({ source: 'sso', ssoLogin: { session: 'corp', command, endsAt: at(NOW + 10 * 60_000), renewable: false } }), NOW);
  t.match(short, /10m00s left .*run `aws sso login --sso-session corp`/, 'under 30 minutes: the command');
  t.match(formatStatus(status({ source: 'sso', ssoLogin: { session: 'corp', command } }), NOW), /none in the cache: run `aws sso login/, 'no login');
  t.match(formatStatus(status({ source: 'sso', ssoLogin: { session: 'corp', command, endsAt: at(NOW + 60_000), renewable: true } }), NOW),
    /renewed by the SDK \(token in 1m00s/, 'renewable');
});

t.test('a role profile shows its ARN and source as before', async (t) => {
  const text = formatStatus(status({ roleArn: 'arn:aws:iam::123456789012:role/dev', source: 'assume-role', clockOffsetMs: -200 }), NOW);
  t.match(text, /role +arn:aws:iam::123456789012:role\/dev/, 'the ARN');
  t.match(text, /source +assume-role/, 'the source');
  t.notMatch(text, /sso login/, 'no login line');
});

t.test('the endpoint: the URLs that serve, as the daemon reports them (issue 19)', async (t) => {
  // The shapes the daemon sends: listener addresses as the sockets report them, and their URLs.
  const linkLocal = formatStatus(status({ port: 80, addresses: ['169.254.169.254', 'fd00:ec2::254'],
    urls: ['http://169.254.169.254/', 'http://[fd00:ec2::254]/'], linkLocal: true }), NOW);
  t.match(linkLocal, /^ {2}endpoint {6}http:\/\/169\.254\.169\.254\/ {2}http:\/\/\[fd00:ec2::254\]\/$/m, 'link-local: both addresses');
  t.notMatch(linkLocal, /localhost/, 'never localhost:80, which nothing answers');
  const loopback = formatStatus(status({ port: 1338, addresses: ['127.0.0.1', '::1'], urls: ['http://localhost:1338/'] }), NOW);
  t.match(loopback, /^ {2}endpoint {6}http:\/\/localhost:1338\/ {2}\[127\.0\.0\.1, ::1\]$/m, 'loopback: localhost and the addresses behind it, as before');
  t.equal(endpointText({ port: 80, addresses: ['169.254.169.254', 'fd00:ec2::254'] }), 'http://169.254.169.254/  http://[fd00:ec2::254]/',
    'a daemon that sends no urls: computed from its addresses');
  t.equal(endpointText({ port: 1338, addresses: ['10.0.0.5'] }), 'http://10.0.0.5:1338/', 'a --host address as itself');
  t.equal(endpointText({ port: undefined, addresses: [] }), 'not listening', 'not listening');
});
