import { createServer } from 'node:net';
import t from 'tap';
import { findPortOwner } from '../../../src/system/port-owner.js';
import { portChecks } from '../../../src/cli/doctor/port-checks.js';
import { fakeRole, fakeStatus, only, situation } from '../../support/doctor-fakes.js';

t.test('a port held by another process, found by findPortOwner', { skip: process.platform !== 'linux' && 'findPortOwner reads /proc' }, async (t) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const findings = await portChecks(await situation({
    env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: `http://localhost:${port}/` }, findPortOwner: (p) => findPortOwner(p), status: async () => fakeStatus([fakeRole({ port })]),
  }));
  t.match(only(findings, 'port-owner'), {
    level: 'problem', title: new RegExp(`^port ${port} is held by pid ${process.pid} \\(.*node.*\\), not by imdsd$`),
    fix: `stop it (kill ${process.pid}), or run imdsd with --port N and then eval "$(imdsd env)"`,
  }, 'names the pid and the command');
  t.equal(only(findings, 'port-owner').detail, undefined, 'no mock note on another port');
  t.equal((await findPortOwner(port, 'linux', process.pid))?.pid, process.pid, 'the preferred pid when it holds the socket');
  t.equal((await findPortOwner(port, 'linux', 1))?.pid, process.pid, 'else the first holder');
});

t.test('1338 and amazon-ec2-metadata-mock', async (t) => {
  const mock = await portChecks(await situation({ findPortOwner: async () => ({ pid: 77, command: '/usr/local/bin/ec2-metadata-mock' }) }));
  t.match(only(mock, 'port-owner'), { level: 'problem', title: 'port 1338 is held by pid 77 (/usr/local/bin/ec2-metadata-mock), not by imdsd', detail: /amazon-ec2-metadata-mock/ }, 'the mock on 1338');
  const elsewhere = await portChecks(await situation({ env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, findPortOwner: async () => ({ pid: 77, command: 'ec2-metadata-mock -p 1400' }) }));
  t.match(only(elsewhere, 'port-owner'), { detail: /amazon-ec2-metadata-mock/ }, 'the mock on another port');
});

t.test('the daemon\'s own port', async (t) => {
  const running = { status: async () => fakeStatus() };
  t.match(only(await portChecks(await situation({ ...running, findPortOwner: async () => ({ pid: 4242, command: 'node imdsd run' }) })), 'port-owner'),
    { level: 'ok', title: 'port 1338 is held by imdsd (pid 4242, role dev)' }, 'held by the daemon');
  t.match(only(await portChecks(await situation({ ...running, env: { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1400/' }, findPortOwner: async () => ({ pid: 4242, command: 'node' }) })), 'port-owner'),
    { level: 'ok', title: 'port 1400 is held by imdsd (pid 4242)' }, 'held by the daemon, not a role\'s port (e.g. its metrics)');
  t.match(only(await portChecks(await situation(running)), 'port-owner'), { level: 'ok', title: 'port 1338 is imdsd\'s (role dev)' }, 'owner not found, but the daemon says it listens there');
  t.match(only(await portChecks(await situation()), 'port-owner'), { level: 'ok', title: 'no other process was found holding port 1338' }, 'nothing found');
  t.match(only(await portChecks(await situation({ findPortOwner: () => Promise.reject(new Error('lsof missing')) })), 'port-owner'),
    { level: 'warning', title: 'could not check who holds port 1338: lsof missing' }, 'guarded');
});

t.test('a port systemd holds for imdsd.socket (issue 14)', async (t) => {
  const held = await portChecks(await situation({ findPortOwner: async () => ({ pid: 812, command: '/lib/systemd/systemd --user' }) }));
  t.match(only(held, 'port-owner'), { level: 'ok', title: 'port 1338 is held by systemd (pid 812, imdsd.socket), which hands it to imdsd' }, 'no "kill systemd" advice');
  let asked: number | undefined;
  const running = await portChecks(await situation({ status: async () => fakeStatus(), findPortOwner: async (_port, preferPid) => {
    asked = preferPid;
    return { pid: 4242, command: 'node imdsd run' };
  } }));
  t.equal(asked, 4242, 'the daemon\'s pid is asked for first, as systemd holds the same socket');
  t.match(only(running, 'port-owner'), { level: 'ok', title: 'port 1338 is held by imdsd (pid 4242, role dev)' }, 'and reported');
});

t.test('issue 14: in link-local mode systemd\'s socket unit may hold port 80 too', async (t) => {
  const linkLocal = fakeStatus([fakeRole({ port: 80, linkLocal: true })]);
  const bySystemd = await portChecks(await situation({ status: async () => linkLocal, findPortOwner: async () => ({ pid: 1, command: 'systemd' }) }));
  t.match(only(bySystemd, 'port-owner'), { level: 'ok', title: 'port 80 is held by systemd (imdsd-link-local.socket), which passes it to imdsd (role dev)' }, 'PID 1 is the socket unit');
});
