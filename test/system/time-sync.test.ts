import t from 'tap';
import { TIME_SYNC_HINT, timeSyncFix } from '../../src/system/time-sync.js';

t.test('one remedy for a wrong clock, per platform and for both', async (t) => {
  t.equal(timeSyncFix('linux'), 'sudo timedatectl set-ntp true', 'Linux');
  t.equal(timeSyncFix('darwin'), 'sudo sntp -sS time.apple.com', 'macOS');
  t.equal(timeSyncFix('aix'), 'enable time synchronisation', 'elsewhere, in words');
  t.match(TIME_SYNC_HINT, /timedatectl set-ntp true.*sntp -sS time\.apple\.com/, 'the daemon\'s hint names both');
});
