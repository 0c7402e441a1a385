/**
 * The exit-code table is a contract scripts and service managers act on: its numbers
 * never change, and every error code maps to one of them.
 */
import t from 'tap';
import { EXIT, exitCodeOf } from '../../src/contract/exit-codes.js';
import { ERRORS, type ErrorCode } from '../../src/errors.js';

t.test('the numbers: 0, 1, 3 (not running), 69 (EX_UNAVAILABLE), 78 (EX_CONFIG)', async (t) => {
  t.same(EXIT, { OK: 0, FAILURE: 1, NOT_RUNNING: 3, PORT_IN_USE: 69, CONFIG: 78 });
});

t.test('configuration errors exit 78, a taken port or socket 69, no daemon 3, the rest 1', async (t) => {
  const expected: Partial<Record<ErrorCode, number>> = {
    IMDSD_ERR_CONFIG: 78, IMDSD_ERR_SOCKET_ACTIVATION: 78, IMDSD_ERR_UNSAFE_INSTALL: 78, IMDSD_ERR_UNREACHABLE_PATH: 78,
    IMDSD_ERR_PORT_IN_USE: 69, IMDSD_ERR_CONTROL_IN_USE: 69, IMDSD_ERR_DAEMON_NOT_RUNNING: 3,
  };
  const codes = Object.keys(ERRORS) as ErrorCode[];
  t.ok(codes.length > 20, 'every documented error code is checked');
  for (const code of codes) t.equal(exitCodeOf(code), expected[code] ?? 1, code);
});
