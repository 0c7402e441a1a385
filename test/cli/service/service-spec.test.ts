import t from 'tap';
import { checkSpec, type ServiceSpec } from '../../../src/cli/service/service-spec.js';

const SPEC: ServiceSpec = {
  platform: 'linux', scope: 'user', program: ['/usr/bin/node', '/opt/imdsd/dist/src/cli/main.js', 'run', '--profile', 'dev'],
  env: [['PATH', '/usr/bin']], home: '/home/me', logDir: '/home/me/Library/Logs/imdsd', user: undefined,
};

t.test('a clean spec passes unchanged', async (t) => {
  t.equal(checkSpec(SPEC), SPEC, 'the same spec comes back');
});

t.test('control characters are refused, naming the flag, path or variable', async (t) => {
  const cases: Array<[Partial<ServiceSpec>, string]> = [
    [{ program: ['/usr/bin/node', '/cli.js', 'run', '--profile', 'a\nb'] }, '--profile'],
    [{ program: ['/usr/bin/no\tde', '/cli.js', 'run'] }, 'the node path'],
    [{ program: ['/usr/bin/node', '/cli\r.js', 'run'] }, 'the imdsd CLI path'],
    [{ program: ['/usr/bin/node', '/cli.js', 'ru\u0001n'] }, 'argument 2 of the service command'],
    [{ env: [['AWS_PROFILE', 'x\ny']] }, 'the environment variable AWS_PROFILE'],
    [{ home: '/home/\u0007me' }, 'the home directory'],
  ];
  for (const [change, what] of cases) {
    t.throws(() => checkSpec({ ...SPEC, ...change }), { code: 'IMDSD_ERR_CONFIG', message: new RegExp(`: ${what} contains the control character`) }, what);
  }
});
