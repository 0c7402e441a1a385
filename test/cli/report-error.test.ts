/** The one error printer (issue 20): one line, the fix, the contract's exit code. */
import t from 'tap';
import { errorLine, reportError } from '../../src/cli/report-error.js';
import { ImdsdError } from '../../src/errors.js';

function report(error: unknown): { code: number; text: string } {
  let text = '';
  const code = reportError((chunk) => { text += chunk; }, error);
  return { code, text };
}

t.test('one line, imdsd: message (fix: hint)', async (t) => {
  t.equal(errorLine('it failed', 'do this'), 'imdsd: it failed (fix: do this)\n', 'with a fix');
  t.equal(errorLine('no hint'), 'imdsd: no hint\n', 'without one');
});

t.test('each coded error exits with the code of the exit-code table', async (t) => {
  t.same(report(new ImdsdError('IMDSD_ERR_CONFIG', 'imdsd env: --port x is not a port', { hint: 'use 1-65535' })),
    { code: 78, text: 'imdsd: imdsd env: --port x is not a port (fix: use 1-65535)\n' }, 'a bad flag: 78');
  t.equal(report(new ImdsdError('IMDSD_ERR_UNSAFE_INSTALL')).code, 78, 'an unsafe root install: 78 (issue 18)');
  t.equal(report(new ImdsdError('IMDSD_ERR_UNREACHABLE_PATH')).code, 78, 'a path the unit cannot reach: 78');
  t.equal(report(new ImdsdError('IMDSD_ERR_SOCKET_ACTIVATION')).code, 78, 'unusable passed sockets: 78');
  t.equal(report(new ImdsdError('IMDSD_ERR_PORT_IN_USE')).code, 69, 'a taken port: 69');
  t.equal(report(new ImdsdError('IMDSD_ERR_CONTROL_IN_USE')).code, 69, 'a taken control socket: 69');
  t.equal(report(new ImdsdError('IMDSD_ERR_DAEMON_NOT_RUNNING')).code, 3, 'no daemon: 3');
  t.equal(report(new ImdsdError('IMDSD_ERR_LISTEN')).code, 1, 'anything else: 1');
});

t.test('an error without a code is a bug: one line, exit 1, no stack', async (t) => {
  const { code, text } = report(new Error('boom'));
  t.equal(code, 1, 'exit 1');
  t.equal(text, 'imdsd: unexpected error: boom\n', 'one line');
  t.equal(report('a string').text, 'imdsd: unexpected error: a string\n', 'a thrown non-error too');
});
