/**
 * `imdsd status` in process against a real control socket: the exit code follows the
 * roles' health, --role filters, --json prints the document, --watch redraws until
 * interrupted.
 */
import t from 'tap';
import { statusCommand } from '../../../src/cli/commands/status.js';
import type { DaemonStatus } from '../../../src/contract/control-api.js';
import { recordingContext } from '../../support/command-context.js';
import { fakeRole, fakeStatus, NOW, statusSocket } from '../../support/doctor-fakes.js';

const HEALTHY = fakeStatus([fakeRole(), fakeRole({ roleName: 'ops', port: 1339 })]);
const ONE_EXPIRED = fakeStatus([fakeRole(), fakeRole({ roleName: 'ops', port: 1339, state: 'expired',
  lastError: { code: 'IMDSD_ERR_STS_DENIED', message: 'AccessDenied' } })]);

t.test('every role fresh: exit 0 and the table; one expired: exit 1', async (t) => {
  const ctx = recordingContext({}, '/home/dev', NOW);
  t.equal(await statusCommand(['--control-socket', await statusSocket(t, HEALTHY)], ctx), 0, 'exit 0');
  t.match(ctx.output(), /dev[\s\S]*ops/, 'both roles shown');
  t.notMatch(ctx.output(), '\u001b[H', 'no screen clearing without --watch');
  t.equal(await statusCommand(['--control-socket', await statusSocket(t, ONE_EXPIRED)], recordingContext({}, '/home/dev', NOW)), 1, 'exit 1');
});

t.test('--role keeps one role: its health decides; a role not served is no health at all', async (t) => {
  const socket = await statusSocket(t, ONE_EXPIRED);
  const json = recordingContext({});
  t.equal(await statusCommand(['--control-socket', socket, '--role', 'dev', '--json'], json), 0, 'the fresh one alone: exit 0');
  const printed = JSON.parse(json.output()) as DaemonStatus;
  t.same(printed.roles.map((role) => role.roleName), ['dev'], '--json prints only it');
  t.equal(printed.pid, ONE_EXPIRED.pid, 'in the daemon\'s document');
  t.equal(await statusCommand(['--control-socket', socket, '--role', 'ops', '--json'], recordingContext({})), 1, 'the expired one: exit 1');
  t.equal(await statusCommand(['--control-socket', socket, '--role', 'nope', '--json'], recordingContext({})), 1, 'no such role: exit 1');
});

t.test('--watch draws on a cleared screen and stops when interrupted', async (t) => {
  const socket = await statusSocket(t, HEALTHY);
  const ctx = { ...recordingContext({}, '/home/dev', NOW), interrupted: Promise.resolve() };
  let out = '';
  t.equal(await statusCommand(['--control-socket', socket, '--watch'], { ...ctx, out: (text) => { out += text; } }), 0, 'exit 0 once interrupted');
  t.ok(out.startsWith('\u001b[H\u001b[2J'), 'the screen cleared first');
  t.equal(out.split('\u001b[H\u001b[2J').length, 2, 'drawn once');
});
