import t from 'tap';
import { INSTALL_USAGE, UNINSTALL_USAGE } from '../../../src/cli/service/service-usage.js';

t.test('the help names every flag of its command', async (t) => {
  for (const flag of ['--profile', '--role-arn', '--config', '--system', '--link-local', '--user', '--dry-run', '--print', '--platform']) {
    t.match(INSTALL_USAGE, flag, `install: ${flag}`);
  }
  for (const flag of ['--system', '--link-local', '--dry-run', '--platform']) t.match(UNINSTALL_USAGE, flag, `uninstall: ${flag}`);
  t.match(INSTALL_USAGE, /^Usage: imdsd install /, 'install usage line');
  t.match(UNINSTALL_USAGE, /^Usage: imdsd uninstall /, 'uninstall usage line');
});
