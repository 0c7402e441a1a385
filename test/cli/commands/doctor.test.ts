/**
 * `imdsd doctor` in-process: flags, output forms and exit codes, with the real inputs
 * where the temporary HOME and environment make them safe, and a fake daemon where a
 * running one is needed.
 */
import t from 'tap';
import type { CommandContext } from '../../../src/cli/commands/context.js';
import { doctorCommand } from '../../../src/cli/commands/doctor.js';
import type { DoctorDeps } from '../../../src/cli/doctor/deps.js';
import { fakeImds, fakeStatus, tempHome } from '../../support/doctor-fakes.js';

interface Run { code: number; out: string; err: string }

async function doctor(argv: string[], env: NodeJS.ProcessEnv = {}, overrides: Partial<DoctorDeps> = {}): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CommandContext = { env, home: tempHome(), now: () => Date.now(), out: (text) => { out += text; }, err: (text) => { err += text; }, interrupted: new Promise(() => {}) };
  const code = await doctorCommand(argv, ctx, overrides);
  return { code, out, err };
}

const healthy = (): Partial<DoctorDeps> => ({
  status: async () => fakeStatus(undefined, { startedAt: new Date().toISOString() }),
  ...fakeImds(),
  now: () => Date.parse('2026-11-21T12:00:00Z'),
  findPortOwner: async () => undefined,
});
const ENDPOINT = { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://localhost:1338/' };

t.test('bad arguments (--help is answered from the command table: test/cli/command-table.test.ts)', async (t) => {
  await t.rejects(doctor(['--nope']), { code: 'IMDSD_ERR_CONFIG', message: /imdsd doctor: Unknown option '--nope'/ }, 'an unknown flag is a configuration error (exit 78)');
  await t.rejects(doctor(['extra']), { code: 'IMDSD_ERR_CONFIG', message: 'imdsd doctor: unexpected argument extra' }, 'so is a positional argument');
});

t.test('exit 0 and a readable report when nothing is a problem', async (t) => {
  const run = await doctor([], ENDPOINT, healthy());
  t.equal(run.code, 0, 'exit 0');
  t.match(run.out, /^✔ ok {4}daemon-running +imdsd 0\.1\.0 is running/m, 'marks and ids in columns');
  t.match(run.out, /\n\nno problems\n$/, 'the verdict');
  t.equal(run.err, '', 'nothing on stderr');
});

t.test('exit 1 and the counts in --json when something is', async (t) => {
  const run = await doctor(['--json', '--role', 'dev'], { ...ENDPOINT, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's' }, healthy());
  t.equal(run.code, 1, 'exit 1');
  const report = JSON.parse(run.out) as { findings: Array<{ id: string; level: string }>; problems: number; warnings: number };
  t.equal(report.problems, 1, 'one problem');
  t.equal(report.warnings, 1, 'one warning (the long-term key)');
  t.match(report.findings.find((f) => f.id === 'env-static-keys'), { level: 'problem' }, 'which is the exported keys');
  t.notMatch(run.out, /"s"|AKIAEXAMPLE0001/, 'no secret and no full key id in the report');
});

t.test('--check-env-credentials asks STS; without it STS is never called', async (t) => {
  const asked: string[] = [];
  const callerIdentity: DoctorDeps['callerIdentity'] = async (creds) => { asked.push(creds.accessKeyId); return 'arn:aws:iam::1:user/me'; };
  const env = { ...ENDPOINT, AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 's' };
  await doctor([], env, { ...healthy(), callerIdentity });
  t.same(asked, [], 'not asked by default');
  const run = await doctor(['--check-env-credentials'], env, { ...healthy(), callerIdentity });
  t.same(asked, ['AKIAEXAMPLE0001'], 'asked with the flag');
  t.match(run.out, /env-credentials-sts +STS accepts the exported credentials: arn:aws:iam::1:user\/me/, 'and reported');
});

t.test('the real inputs in an empty HOME: no daemon is a problem, exit 1', async (t) => {
  const home = tempHome();
  const run = await doctor(['--json', '--control-socket', `${home}/none.sock`], { HOME: home });
  t.equal(run.code, 1, 'exit 1');
  const report = JSON.parse(run.out) as { findings: Array<{ id: string; level: string; title: string }> };
  t.match(report.findings.find((f) => f.id === 'daemon-running'), { level: 'problem', title: new RegExp(`no daemon at ${home}/none.sock`) }, 'the socket given');
});
