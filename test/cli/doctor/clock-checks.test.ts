import t from 'tap';
import { clockChecks } from '../../../src/cli/doctor/clock-checks.js';
import { fakeRole, fakeStatus, only, situation } from '../../support/doctor-fakes.js';

const check = async (offsets: Array<number | undefined>, platform: NodeJS.Platform = 'linux') => only(await clockChecks(await situation({
  platform, status: async () => fakeStatus(offsets.map((clockOffsetMs, i) => fakeRole({ roleName: `r${i}`, port: 1338 + i, clockOffsetMs }))),
})), 'clock-offset');

t.test('the offset the daemon measured against STS', async (t) => {
  t.match(await check([120]), { level: 'ok', title: 'the local clock is within 0.1 s of STS' }, 'in sync');
  t.match(await check([-7_000]), { level: 'warning', title: 'the local clock is 7.0 s ahead of STS (as imdsd measured for role r0)', fix: 'sudo timedatectl set-ntp true' }, '> 5 s');
  t.match(await check([1_000, 75_000], 'darwin'), { level: 'problem', title: 'the local clock is 75.0 s behind STS (as imdsd measured for role r1)', fix: 'sudo sntp -sS time.apple.com', detail: /5 minutes/ },
    '> 60 s, the worst role, macOS fix');
  t.match(await check([-90_000, 2_000], 'win32'), { fix: 'w32tm /resync', title: /90\.0 s ahead of STS \(as imdsd measured for role r0\)/ }, 'Windows; the worst role first');
  t.match(await check([90_000], 'freebsd'), { fix: 'enable time synchronisation' }, 'elsewhere');
  t.match(await check([undefined]), { level: 'ok', title: /not measured yet/ }, 'not measured');
});

t.test('no daemon, no measurement to report', async (t) => {
  t.same(await clockChecks(await situation()), [], 'nothing');
});
