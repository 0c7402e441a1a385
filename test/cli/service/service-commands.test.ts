import t from 'tap';
import { forgetCommands, installCommands, stopCommands, type Command } from '../../../src/cli/service/service-commands.js';

const lines = (commands: Command[]): string[] => commands.map((c) => [c.cmd, ...c.args].join(' '));

t.test('launchd: unload an old copy (may fail), enable, bootstrap into gui/<uid>', async (t) => {
  const commands = installCommands('macos', 'user', 501, '/Users/me/Library/LaunchAgents/dev.imdsd.agent.plist');
  t.same(lines(commands), [
    'launchctl bootout gui/501/dev.imdsd.agent',
    'launchctl enable gui/501/dev.imdsd.agent',
    'launchctl bootstrap gui/501 /Users/me/Library/LaunchAgents/dev.imdsd.agent.plist',
  ], 'in this order');
  t.ok(commands[0]?.mayFail, 'bootout of nothing is fine');
  t.notOk(commands[1]?.mayFail ?? commands[2]?.mayFail, 'enable and bootstrap must succeed');
  t.same(commands[2]?.retry, { codes: [5, 37], attempts: 15, delayMs: 1000 }, 'bootstrap waits up to 15 s for launchd to release the old copy');
  t.same(lines(stopCommands('macos', 'user', 501)), ['launchctl bootout gui/501/dev.imdsd.agent'], 'uninstall unloads');
  t.same(forgetCommands('macos', 'user'), [], 'nothing after removing a plist');
});

t.test('systemd: daemon-reload, enable, restart; --user only for the user manager', async (t) => {
  t.same(lines(installCommands('linux', 'user', 1000, '/x')), [
    'systemctl --user daemon-reload', 'systemctl --user enable imdsd.service', 'systemctl --user restart imdsd.service',
  ], 'user unit');
  t.same(lines(installCommands('linux', 'system', 0, '/x')), [
    'systemctl daemon-reload', 'systemctl enable imdsd.service', 'systemctl restart imdsd.service',
  ], 'system unit');
  t.ok(installCommands('linux', 'user', 1000, '/x').every((c) => c.mayFail === undefined), 'every systemctl call must succeed');
  t.same(lines(stopCommands('linux', 'user', 1000)), ['systemctl --user disable --now imdsd.service'], 'uninstall stops and disables');
  t.same(lines(forgetCommands('linux', 'system')), ['systemctl daemon-reload'], 'then reloads');
});
