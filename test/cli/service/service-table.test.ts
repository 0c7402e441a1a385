/** The install and uninstall entries of the command table (issue 20): every flag they have always taken. */
import t from 'tap';
import { RUN_OPTIONS } from '../../../src/config/run-options.js';
import { INSTALL, UNINSTALL } from '../../../src/cli/service/service-table.js';

t.test('install takes every run flag and its own; uninstall only its own', async (t) => {
  for (const flag of Object.keys(RUN_OPTIONS)) t.ok(flag in INSTALL.options, `install --${flag}`);
  for (const flag of ['system', 'link-local', 'user', 'dry-run', 'print', 'platform', 'force']) t.ok(flag in INSTALL.options, `install --${flag}`);
  t.same(Object.keys(UNINSTALL.options).sort(), ['dry-run', 'link-local', 'platform', 'system'], 'uninstall --system --link-local --dry-run --platform');
  t.same(INSTALL.groups.flatMap((group) => group.names).sort(), ['dry-run', 'force', 'link-local', 'platform', 'print', 'system', 'user'],
    'the service options are shown apart from the run options');
  t.match(INSTALL.options['link-local'].help, /169\.254\.169\.254/, 'install explains --link-local as install does it');
});
