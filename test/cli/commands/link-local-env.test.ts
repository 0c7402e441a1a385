/**
 * Issue 14: `imdsd env` and the control socket lookup in link-local mode. A daemon whose
 * role is served at 169.254.169.254 needs no endpoint variable: env removes a leftover one
 * and only extends NO_PROXY; the commands find the system service's control socket.
 */
import t from 'tap';
import { envCommand } from '../../../src/cli/commands/env.js';
import { socketFor } from '../../../src/cli/commands/context.js';
import { LINK_LOCAL_CONTROL_SOCKET } from '../../../src/contract/link-local.js';
import { recordingContext, type RecordingContext } from '../../support/command-context.js';
import { fakeRole, fakeStatus, statusSocket } from '../../support/doctor-fakes.js';

const context = (env: NodeJS.ProcessEnv): RecordingContext => recordingContext(env);

const linkLocal = fakeStatus([fakeRole({ port: 80, addresses: ['169.254.169.254', 'fd00:ec2::254'], linkLocal: true })]);

t.test('env in link-local mode unsets the endpoint and extends NO_PROXY with the IMDS addresses', async (t) => {
  const socket = await statusSocket(t, linkLocal);
  const bash = context({ SHELL: '/bin/bash', NO_PROXY: 'corp.example' });
  t.equal(await envCommand(['--control-socket', socket], bash), 0, 'exit 0');
  t.equal(bash.output(), [
    '# link-local mode: SDKs find http://169.254.169.254/ (role dev) with no endpoint variable',
    'unset AWS_EC2_METADATA_SERVICE_ENDPOINT',
    "export NO_PROXY='corp.example,localhost,127.0.0.1,::1,[::1],169.254.169.254,fd00:ec2::254,[fd00:ec2::254]'",
    "export no_proxy='corp.example,localhost,127.0.0.1,::1,[::1],169.254.169.254,fd00:ec2::254,[fd00:ec2::254]'",
    '',
  ].join('\n'), 'no endpoint variable, a proxy bypass for botocore');
  const fish = context({});
  await envCommand(['--control-socket', socket, '--shell', 'fish'], fish);
  t.match(fish.output(), /^set -e AWS_EC2_METADATA_SERVICE_ENDPOINT;$/m, 'fish');
  const powershell = context({});
  await envCommand(['--control-socket', socket, '--shell', 'powershell'], powershell);
  t.match(powershell.output(), /^Remove-Item Env:AWS_EC2_METADATA_SERVICE_ENDPOINT -ErrorAction SilentlyContinue$/m, 'PowerShell');
  const explicit = context({});
  await envCommand(['--control-socket', socket, '--port', '1338'], explicit);
  t.match(explicit.output(), "export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://localhost:1338/'", 'an explicit --port still gets its variable');
});

t.test('the link-local control socket is used only when nothing else names or holds one', async (t) => {
  const ctx = context({ XDG_RUNTIME_DIR: '/run/user/1000' });
  const own = '/run/user/1000/imdsd/control.sock';
  const has = (...paths: string[]) => (path: string) => paths.includes(path);
  t.equal(socketFor(ctx, undefined, has(LINK_LOCAL_CONTROL_SOCKET)), LINK_LOCAL_CONTROL_SOCKET, 'the system service\'s, when the user runs none');
  t.equal(socketFor(ctx, undefined, has(own, LINK_LOCAL_CONTROL_SOCKET)), own, 'the user\'s own daemon wins');
  t.equal(socketFor(ctx, undefined, has()), own, 'neither: the default, for the "not running" message');
  t.equal(socketFor(ctx, '/tmp/x.sock', has(LINK_LOCAL_CONTROL_SOCKET)), '/tmp/x.sock', '--control-socket wins');
  t.equal(socketFor(context({ IMDSD_CONTROL_SOCKET: '/tmp/y.sock' }), undefined, has(LINK_LOCAL_CONTROL_SOCKET)), '/tmp/y.sock', 'and IMDSD_CONTROL_SOCKET');
  t.equal(socketFor(ctx, undefined), own, 'the real file system has neither here');
});
