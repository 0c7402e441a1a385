/**
 * The LaunchAgent as launchd would read it, rendered on this Linux machine with
 * `imdsd install --print --platform macos` and parsed by a strict plist parser.
 */
import t from 'tap';
import { PACKAGE } from '../../../src/cli/service/package-paths.js';
import { renderPlist } from '../../../src/cli/service/render-plist.js';
import { runInstall } from '../../../src/cli/service/install.js';
import { parsePlist, type PlistDict, type PlistValue } from '../../support/plist.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const NASTY = `a&b<c>d"e'f`;

function isDict(value: PlistValue | undefined): value is PlistDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function printed(argv: string[], env: NodeJS.ProcessEnv = { PATH: '/opt/homebrew/bin:/usr/bin' }): Promise<{ text: string; plist: PlistDict }> {
  const io = fakeServiceIo({ platform: 'linux', env, homedir: '/Users/me', uid: 501 });
  const code = await runInstall(['--print', '--platform', 'macos', ...argv], io);
  if (code !== 0) throw new Error(`exit ${code}: ${io.err}`);
  const plist = parsePlist(io.out);
  if (!isDict(plist)) throw new Error('the plist is not a dict');
  return { text: io.out, plist };
}

t.test('the LaunchAgent has every key launchd needs', async (t) => {
  const { plist } = await printed(['--role-arn', ARN, '--port', '1400', '--imds-v1']);
  t.equal(plist.Label, 'dev.imdsd.agent', 'Label');
  t.same(plist.ProgramArguments, [process.execPath, PACKAGE.cli, 'run', '--role-arn', ARN, '--port', '1400', '--imds-v1'],
    'ProgramArguments: absolute node, absolute CLI, run, the flags');
  t.ok(process.execPath.startsWith('/') && PACKAGE.cli.startsWith('/') && PACKAGE.cli.endsWith('/dist/src/cli/main.js'), 'both paths are absolute');
  t.equal(plist.RunAtLoad, true, 'RunAtLoad');
  t.same(plist.KeepAlive, { SuccessfulExit: false }, 'KeepAlive: restart unless it exited cleanly');
  t.equal(plist.ThrottleInterval, 10, 'ThrottleInterval 10 s');
  t.equal(plist.ProcessType, 'Background', 'ProcessType');
  t.equal(plist.StandardOutPath, '/Users/me/Library/Logs/imdsd/imdsd.log', 'stdout log, absolute, under ~/Library/Logs/imdsd/');
  t.equal(plist.StandardErrorPath, '/Users/me/Library/Logs/imdsd/imdsd.err.log', 'stderr log');
  t.equal(plist.WorkingDirectory, '/Users/me', 'runs from HOME');
  t.equal(plist.Umask, 63, 'Umask 0077');
  t.same(plist.EnvironmentVariables, { PATH: '/opt/homebrew/bin:/usr/bin', HOME: '/Users/me' }, 'HOME and PATH');
});

t.test('values with &<>"\' are escaped and come back exactly', async (t) => {
  const { text, plist } = await printed(['--role-arn', `arn:aws:iam::123456789012:role/${NASTY}`],
    { PATH: '/usr/bin', AWS_CONFIG_FILE: `/Users/me/${NASTY}/config`, AWS_PROFILE: `p${NASTY}` });
  t.same(plist.ProgramArguments, [process.execPath, PACKAGE.cli, 'run', '--role-arn', `arn:aws:iam::123456789012:role/${NASTY}`], 'the argument round-trips');
  const env = plist.EnvironmentVariables;
  t.ok(isDict(env) && env.AWS_CONFIG_FILE === `/Users/me/${NASTY}/config` && env.AWS_PROFILE === `p${NASTY}`, 'environment values round-trip');
  t.match(text, 'role/a&amp;b&lt;c&gt;d&quot;e&apos;f</string>', 'escaped in the XML text');
  t.notMatch(text, NASTY, 'never raw');
});

t.test('a profile name is escaped the same way', async (t) => {
  const { plist } = await printed(['--profile', `dev${NASTY}`]);
  t.same(plist.ProgramArguments, [process.execPath, PACKAGE.cli, 'run', '--profile', `dev${NASTY}`], 'round-trips');
});

t.test('the renderer escapes the home and log paths too', async (t) => {
  const template = '<plist version="1.0"><dict><key>L</key><string>{{LABEL}}</string><key>A</key><array>\n{{PROGRAM_ARGUMENTS}}\n</array>'
    + '<key>E</key><dict>\n{{ENVIRONMENT}}\n</dict><key>H</key><string>{{HOME}}</string><key>O</key><string>{{LOG_DIR}}</string></dict></plist>';
  const out = renderPlist(template, {
    platform: 'macos', scope: 'user', program: ['/n', '/c', 'run'], env: [], home: `/Users/${NASTY}`, logDir: `/Users/${NASTY}/Logs`, user: undefined,
  });
  t.same(parsePlist(out), { L: 'dev.imdsd.agent', A: ['/n', '/c', 'run'], E: {}, H: `/Users/${NASTY}`, O: `/Users/${NASTY}/Logs` }, 'all parsed back');
});
