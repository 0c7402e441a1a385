/**
 * Warning before expiry, end to end: a failing refresh with the credential inside the
 * horizon runs the user's hook and logs a warning, once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { cleanEnv, runImdsd, startDaemonProcess } from '../support/daemon-process.js';
import { waitUntil } from '../support/wait-until.js';
import { DEFAULT_ROLE_ARN, DEFAULT_USER, startStsServer } from '../support/sts-server.js';

t.test('a failing refresh near expiry runs --on-expiry-warning and logs it', async (t) => {
  const sts = await startStsServer({ lifetimeSec: 900 });
  t.teardown(() => sts.close());
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: DEFAULT_USER.accessKeyId, AWS_SECRET_ACCESS_KEY: DEFAULT_USER.secretAccessKey, AWS_ENDPOINT_URL_STS: sts.url });
  const out = join(String(env.HOME), 'warned.txt');
  const daemon = await startDaemonProcess(['--role-arn', DEFAULT_ROLE_ARN, '--port', '0', '--expiry-warning', '1200', '--no-desktop-notify',
    '--on-expiry-warning', `echo "$IMDSD_ROLE $IMDSD_ERROR_CODE" >> ${out}`], env);
  t.teardown(() => daemon.stop());
  sts.injectFaults({ kind: 'http', status: 503, code: 'ServiceUnavailable' });
  await runImdsd(['refresh'], env);
  const warning = await daemon.waitFor((line) => line.event === 'expiry-warning');
  t.equal(warning.level, 'warn', 'a warn line');
  t.equal(warning.code, 'IMDSD_ERR_STS_UNAVAILABLE', 'naming the failure');
  t.ok(await waitUntil(() => existsSync(out), 10_000), 'the hook wrote its file');
  t.equal(readFileSync(out, 'utf8'), 'dev IMDSD_ERR_STS_UNAVAILABLE\n', 'the hook ran once with the notice');
});
