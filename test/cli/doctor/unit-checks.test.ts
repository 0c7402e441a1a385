/**
 * `service-program` (issue 19): a unit whose program or CLI is gone after an upgrade is a
 * problem whose fix is the install command with the unit's own flags.
 */
import t from 'tap';
import { execStartWords, plistWords, unitChecks, UNIT_ID } from '../../../src/cli/doctor/unit-checks.js';
import { only, situation, tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

t.test('words of ExecStart and ProgramArguments', async (t) => {
  t.same(execStartWords('[Service]\nExecStart="/usr/bin/node" "/a b/c.js" "run" "--profile" "x\\"y"\n'), ['/usr/bin/node', '/a b/c.js', 'run', '--profile', 'x"y']);
  t.same(plistWords('<key>ProgramArguments</key>\n<array>\n<string>/n</string>\n<string>a&amp;b</string>\n</array>'), ['/n', 'a&b']);
});

t.test('a unit naming a CLI that no longer exists: the install command that fixes it', async (t) => {
  const home = tempHome();
  writeHomeFile(home, '.config/systemd/user/imdsd.service', `[Service]\nExecStart="${process.execPath}" "${home}/gone/dist/src/daemon/cli.js" "run" "--profile" "dev"\n`);
  const found = only(await unitChecks(await situation({ home, platform: 'linux' })), UNIT_ID);
  t.equal(found.level, 'problem');
  t.match(found.title, `${home}/gone/dist/src/daemon/cli.js, which no longer exists`);
  t.equal(found.fix, 'imdsd install --profile dev');
});

t.test('a unit whose programs exist is fine; no unit, nothing to say', async (t) => {
  const home = tempHome();
  t.same(await unitChecks(await situation({ home, platform: 'linux' })), []);
  writeHomeFile(home, '.config/systemd/user/imdsd.service', `[Service]\nExecStart="${process.execPath}" "${process.execPath}" "run"\n`);
  t.equal(only(await unitChecks(await situation({ home, platform: 'linux' })), UNIT_ID).level, 'ok');
  const mac = tempHome();
  writeHomeFile(mac, 'Library/LaunchAgents/dev.imdsd.agent.plist', '<key>ProgramArguments</key><array><string>/nope/node</string><string>/nope/cli</string><string>run</string></array>');
  t.equal(only(await unitChecks(await situation({ home: mac, platform: 'darwin' })), UNIT_ID).fix, 'imdsd install');
});
