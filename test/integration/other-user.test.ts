/**
 * Another local user on a shared build host gets nothing: the daemon reads each loopback
 * peer's uid from /proc/net/tcp and refuses users other than its owner unless
 * --allow-uid lists them. Needs root (to create the user and run curl as it) and Linux.
 */
import { execFileSync, execFile } from 'node:child_process';
import t from 'tap';
import { cleanEnv, startDaemonProcess } from '../support/daemon-process.js';
import { freePort } from '../support/free-port.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

const OTHER_USER = 'imdsd-peer';
const isRoot = process.getuid?.() === 0;
const skip = process.platform !== 'linux'
  ? 'peer uids are read from Linux /proc only (macOS: see docs/security-model.md)'
  : !isRoot ? 'not root: cannot create a second user or run curl as it' : false;

function otherUid(): number {
  try {
    return Number(execFileSync('id', ['-u', OTHER_USER], { encoding: 'utf8' }).trim());
  } catch {
    execFileSync('useradd', ['--no-create-home', '--shell', '/usr/sbin/nologin', OTHER_USER]);
    return Number(execFileSync('id', ['-u', OTHER_USER], { encoding: 'utf8' }).trim());
  }
}

function curlAs(user: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('runuser', ['-u', user, '--', '/usr/bin/curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', '--max-time', '5', ...args],
      { timeout: 10_000 }, (_error, stdout) => resolve(stdout.trim()));
  });
}

t.test('a second local user is refused unless --allow-uid lists it', { skip }, async (t) => {
  const uid = otherUid();
  const sts = await startStsServer();
  t.teardown(() => sts.close());
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const metricsPort = await freePort();
  const strict = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--metrics-port', String(metricsPort)], env);
  t.teardown(() => strict.stop());
  const tokenPut = (port: number, host: string) => ['-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 60', `http://${host}:${port}/latest/api/token`];
  t.equal(await curlAs(OTHER_USER, tokenPut(strict.port, '127.0.0.1')), '403', 'the other user gets 403 over IPv4');
  t.equal(await curlAs(OTHER_USER, tokenPut(strict.port, '[::1]')), '403', 'and over IPv6');
  t.equal(await curlAs('root', tokenPut(strict.port, '127.0.0.1')), '200', 'while the owner is served');
  t.equal(await curlAs(OTHER_USER, [`http://127.0.0.1:${metricsPort}/metrics`]), '403', 'issue 18: the metrics port refuses the other user too');
  t.equal(await curlAs('root', [`http://127.0.0.1:${metricsPort}/metrics`]), '200', 'and serves the owner');
  const refused = await strict.waitFor((line) => line.event === 'peer-refused');
  t.match(refused, { peer: { uid } }, 'the refusal is logged with the peer\'s uid');

  const relaxed = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--allow-uid', String(uid)], cleanEnv({
    AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url,
  }));
  t.teardown(() => relaxed.stop());
  t.equal(await curlAs(OTHER_USER, tokenPut(relaxed.port, '127.0.0.1')), '200', '--allow-uid admits it');
});
