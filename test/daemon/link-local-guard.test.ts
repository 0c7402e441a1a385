import t from 'tap';
import { refuseOwnPrivilegedPort } from '../../src/daemon/link-local-guard.js';
import type { DaemonConfig } from '../../src/config/config.js';

const config = (roles: DaemonConfig['roles']): DaemonConfig => ({
  roles, logLevel: 'info', tickSec: 30, expiryWarningSec: 600, onExpiryWarning: undefined, desktopNotify: false, ssoWarningSec: [1800, 300], origin: { kind: 'flags' },
});

t.test('issue 14: a link-local role never binds port 80 itself', async (t) => {
  t.throws(() => refuseOwnPrivilegedPort(config([{ roleArn: 'x', port: 80, linkLocal: true }]), false),
    { code: 'IMDSD_ERR_CONFIG', message: /--link-local on port 80: imdsd does not bind a privileged port itself/, hint: /sudo imdsd install --link-local/ },
    'without a passed socket it is refused (exit 78)');
  t.doesNotThrow(() => refuseOwnPrivilegedPort(config([{ roleArn: 'x', port: 80, linkLocal: true }]), true), 'with the socket unit\'s socket it runs');
  t.doesNotThrow(() => refuseOwnPrivilegedPort(config([{ roleArn: 'x', linkLocal: true }]), false), 'macOS: the default port, behind pf');
  t.doesNotThrow(() => refuseOwnPrivilegedPort(config([{ roleArn: 'x', port: 0, linkLocal: true }]), false), 'port 0 is unprivileged');
  t.doesNotThrow(() => refuseOwnPrivilegedPort(config([{ roleArn: 'x', port: 80 }]), false), 'outside the mode it is the listener\'s business (EACCES as before)');
});
