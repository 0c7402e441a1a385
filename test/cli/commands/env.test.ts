/**
 * `imdsd env` in process: the exports for each shell, NO_PROXY extended once, the port
 * from a running daemon (a real control socket answering status) or the default when
 * none runs, --ecs with its token, and the coded refusals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { envCommand, extendNoProxy } from '../../../src/cli/commands/env.js';
import { recordingContext } from '../../support/command-context.js';
import { fakeRole, fakeStatus, statusSocket } from '../../support/doctor-fakes.js';

/** A control socket path in an empty directory: no daemon there. */
const noDaemon = (): string => join(mkdtempSync(join(tmpdir(), 'imdsd-env-')), 'control.sock');

t.test('NO_PROXY keeps what the user had and adds each loopback name once', async (t) => {
  t.equal(extendNoProxy(undefined), 'localhost,127.0.0.1,::1,[::1]', 'from nothing');
  t.equal(extendNoProxy(' corp.example , localhost,,'), 'corp.example,localhost,127.0.0.1,::1,[::1]', 'trimmed, empties dropped, localhost not repeated');
  t.equal(extendNoProxy('[::1]', ['169.254.169.254']), '[::1],localhost,127.0.0.1,::1,169.254.169.254', 'extra names after the loopback ones');
});

t.test('no daemon running: the default port, said on stderr, in the shell of $SHELL', async (t) => {
  const socket = noDaemon();
  const bash = recordingContext({ SHELL: '/bin/bash', no_proxy: 'corp.example' });
  t.equal(await envCommand(['--control-socket', socket], bash), 0, 'exit 0');
  t.equal(bash.output(), [
    "export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://localhost:1338/'",
    "export NO_PROXY='corp.example,localhost,127.0.0.1,::1,[::1]'",
    "export no_proxy='corp.example,localhost,127.0.0.1,::1,[::1]'",
    '',
  ].join('\n'), 'the endpoint and both proxy variables, the lower-case one read when NO_PROXY is unset');
  t.equal(bash.errors(), '# imdsd is not running; assuming port 1338\n', 'a comment, so eval ignores it');
  const fish = recordingContext({ SHELL: '/usr/bin/fish' });
  await envCommand(['--control-socket', socket], fish);
  t.match(fish.output(), /^set -gx AWS_EC2_METADATA_SERVICE_ENDPOINT 'http:\/\/localhost:1338\/';$/m, 'fish from $SHELL');
  const tcsh = recordingContext({ SHELL: '/bin/tcsh' });
  await envCommand(['--control-socket', socket], tcsh);
  t.match(tcsh.output(), /^export AWS_EC2_METADATA_SERVICE_ENDPOINT=/m, 'a shell it does not know: bash');
  const powershell = recordingContext({ SHELL: '/bin/bash', NO_PROXY: "it's" });
  await envCommand(['--control-socket', socket, '--shell', 'powershell', '--port', '8080'], powershell);
  t.equal(powershell.output().split('\n')[0], "$env:AWS_EC2_METADATA_SERVICE_ENDPOINT = 'http://localhost:8080/'", '--shell wins over $SHELL, --port over the default');
  t.match(powershell.output(), "$env:NO_PROXY = 'it''s,localhost,", 'a quote doubled for PowerShell');
  t.equal(powershell.errors(), '', 'an explicit port assumes nothing');
});

t.test('a running daemon: its first role\'s port, or the one --role names', async (t) => {
  const socket = await statusSocket(t, fakeStatus([fakeRole({ port: 1500 }), fakeRole({ roleName: 'ops', port: 1501 })]));
  const first = recordingContext({});
  await envCommand(['--control-socket', socket], first);
  t.match(first.output(), "export AWS_EC2_METADATA_SERVICE_ENDPOINT='http://localhost:1500/'", 'the first role');
  t.equal(first.errors(), '', 'nothing assumed');
  const ops = recordingContext({});
  await envCommand(['--control-socket', socket, '--role', 'ops'], ops);
  t.match(ops.output(), "'http://localhost:1501/'", '--role ops');
  const unknown = envCommand(['--control-socket', socket, '--role', 'nope'], recordingContext({}));
  await t.rejects(unknown, { code: 'IMDSD_ERR_UNKNOWN_ROLE', message: 'imdsd env: no role named nope is being served', hint: 'served: dev, ops' }, 'an unknown role');
  const unserved = await statusSocket(t, fakeStatus([fakeRole({ port: undefined })]));
  await t.rejects(envCommand(['--control-socket', unserved], recordingContext({})), { code: 'IMDSD_ERR_UNKNOWN_ROLE', message: 'imdsd env: no role is being served' },
    'a role without a port is not served');
});

t.test('--ecs: the container endpoint, its token file and, when readable, the token', async (t) => {
  const socket = await statusSocket(t, fakeStatus([fakeRole({ port: 1500 })], { containerTokenFile: '/nonexistent/ecs-token' }));
  const running = recordingContext({});
  await envCommand(['--control-socket', socket, '--ecs'], running);
  t.equal(running.output().split('\n').slice(0, 2).join('\n'), [
    "export AWS_CONTAINER_CREDENTIALS_FULL_URI='http://127.0.0.1:1500/v1/credentials/dev'",
    "export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='/nonexistent/ecs-token'",
  ].join('\n'), 'the daemon\'s port and token file');
  t.notMatch(running.output(), 'AWS_CONTAINER_AUTHORIZATION_TOKEN=', 'no token line when the file cannot be read');
  t.notMatch(running.output(), 'AWS_EC2_METADATA_SERVICE_ENDPOINT', 'and no IMDS endpoint');
  const stopped = noDaemon();
  await t.rejects(envCommand(['--control-socket', stopped, '--ecs'], recordingContext({})), { code: 'IMDSD_ERR_CONFIG', hint: 'pass --role NAME' },
    'no daemon and no --role: no role to name');
  writeFileSync(join(stopped, '..', 'ecs-token'), 'T'.repeat(43));
  const named = recordingContext({});
  await envCommand(['--control-socket', stopped, '--ecs', '--role', 'ci', '--shell', 'zsh'], named);
  t.match(named.output(), `export AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE='${join(stopped, '..', 'ecs-token')}'`, 'the token file beside the socket');
  t.match(named.output(), `export AWS_CONTAINER_AUTHORIZATION_TOKEN='${'T'.repeat(43)}'`, 'and the token, for botocore that reads only the variable');
  t.match(named.output(), "'http://127.0.0.1:1338/v1/credentials/ci'", 'the default port, the role named');
});

t.test('a bad --shell or --port is a configuration error', async (t) => {
  const socket = noDaemon();
  await t.rejects(envCommand(['--control-socket', socket, '--shell', 'csh'], recordingContext({})),
    { code: 'IMDSD_ERR_CONFIG', message: 'imdsd env: --shell must be one of bash, zsh, fish, powershell' }, 'csh');
  for (const port of ['0', '65536', 'abc', '1.5']) {
    await t.rejects(envCommand(['--control-socket', socket, '--port', port], recordingContext({})),
      { code: 'IMDSD_ERR_CONFIG', message: `imdsd env: --port ${port} is not a port` }, `--port ${port}`);
  }
});
