import t from 'tap';
import { DEFINITION_MODE, LAUNCHD_LABEL, SYSTEMD_UNIT, definitionPath, hostPlatform, launchdLogDir } from '../../../src/cli/service/locations.js';

t.test('only macOS and Linux have a service manager imdsd knows', async (t) => {
  t.equal(hostPlatform('darwin'), 'macos', 'darwin is macOS');
  t.equal(hostPlatform('linux'), 'linux', 'linux is Linux');
  t.equal(hostPlatform('win32'), undefined, 'Windows has none');
  t.equal(hostPlatform('freebsd'), undefined, 'FreeBSD has none');
});

t.test('definition files go where launchd and systemd look', async (t) => {
  t.equal(definitionPath('macos', 'user', {}, '/Users/me'), `/Users/me/Library/LaunchAgents/${LAUNCHD_LABEL}.plist`, 'a LaunchAgent');
  t.equal(definitionPath('linux', 'user', {}, '/home/me'), `/home/me/.config/systemd/user/${SYSTEMD_UNIT}`, 'a user unit under ~/.config');
  t.equal(definitionPath('linux', 'user', { XDG_CONFIG_HOME: '/cfg' }, '/home/me'), '/cfg/systemd/user/imdsd.service', 'XDG_CONFIG_HOME is honoured');
  t.equal(definitionPath('linux', 'user', { XDG_CONFIG_HOME: 'relative' }, '/home/me'), '/home/me/.config/systemd/user/imdsd.service',
    'a relative XDG_CONFIG_HOME is ignored, as the XDG spec says');
  t.equal(definitionPath('linux', 'system', { XDG_CONFIG_HOME: '/cfg' }, '/root'), '/etc/systemd/system/imdsd.service', 'a system unit');
  t.equal(launchdLogDir('/Users/me'), '/Users/me/Library/Logs/imdsd', 'launchd logs');
  t.equal(DEFINITION_MODE, 0o644, 'definitions are world-readable, like every unit file');
});
