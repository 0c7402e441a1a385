/** Where the daemon and the commands find each other: the control socket and the files beside it. */
import t from 'tap';
import { containerTokenPath, controlSocketPath, DEFAULT_IMDS_PORT, tokenKeyPath } from '../../src/contract/paths.js';

t.test('the control socket: --control-socket, IMDSD_CONTROL_SOCKET, XDG_RUNTIME_DIR, then HOME', async (t) => {
  const all = { IMDSD_CONTROL_SOCKET: '/tmp/env.sock', XDG_RUNTIME_DIR: '/run/user/1000' };
  t.equal(controlSocketPath(all, '/home/dev', '/tmp/flag.sock'), '/tmp/flag.sock', 'the flag first');
  t.equal(controlSocketPath(all, '/home/dev', ''), '/tmp/env.sock', 'an empty flag is no flag');
  t.equal(controlSocketPath(all, '/home/dev'), '/tmp/env.sock', 'then the variable');
  t.equal(controlSocketPath({ ...all, IMDSD_CONTROL_SOCKET: '' }, '/home/dev'), '/run/user/1000/imdsd/control.sock', 'then systemd\'s runtime directory');
  t.equal(controlSocketPath({}, '/home/dev'), '/home/dev/.imdsd/run/control.sock', 'then the home directory');
});

t.test('the ECS token and the IMDSv2 token key live beside the socket', async (t) => {
  t.equal(containerTokenPath('/run/user/1000/imdsd/control.sock'), '/run/user/1000/imdsd/ecs-token', 'the ECS token');
  t.equal(tokenKeyPath('/run/user/1000/imdsd/control.sock'), '/run/user/1000/imdsd/imds-token-key', 'the token key');
  t.equal(containerTokenPath('control.sock'), 'ecs-token', 'a relative socket: relative to the same directory');
});

t.test('the default IMDS port is 1338', async (t) => {
  t.equal(DEFAULT_IMDS_PORT, 1338, 'as amazon-ec2-metadata-mock, and the contract of `imdsd env`');
});
