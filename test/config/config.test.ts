import t, { type Test } from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileValidator, DEFAULTS, fileFieldNamer, loadConfigFile } from '../../src/config/config.js';
import { ImdsdError } from '../../src/errors.js';

const ARN = 'arn:aws:iam::123456789012:role/dev';
const dir = mkdtempSync(join(tmpdir(), 'imdsd-config-'));
let n = 0;
function file(content: unknown): string {
  const path = join(dir, `c${n++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function loadError(path: string): Promise<ImdsdError | undefined> {
  try {
    await loadConfigFile(path);
    return undefined;
  } catch (error) {
    return error as ImdsdError;
  }
}

async function rejects(t: Test, path: string, pattern: RegExp): Promise<void> {
  const error = await loadError(path);
  t.type(error, ImdsdError, `${pattern}: an ImdsdError`);
  t.equal(error?.code, 'IMDSD_ERR_CONFIG', 'a configuration error');
  t.ok(error?.message.startsWith(path), 'names the file first');
  t.match(`${error?.message}${error?.hint ?? ''}`, pattern, error?.message ?? 'accepted');
}

t.test('a valid file is loaded with defaults and frozen', async (t) => {
  const config = await loadConfigFile(file({ roles: [{ roleArn: ARN }] }));
  t.equal(config.logLevel, DEFAULTS.logLevel, 'default log level');
  t.equal(config.tickSec, DEFAULTS.tickSec, 'default tick');
  t.ok(Object.isFrozen(config), 'frozen');
});

t.test('every problem is reported at once, naming field and fix', async (t) => {
  const path = file({ roles: [{ roleArn: 'nope', port: 99999 }, { profile: 'a', roleArn: ARN, port: 1 }, { profile: 'b', port: 1 }], extra: true });
  const message = (await loadError(path))?.message ?? 'accepted';
  t.match(message, /roles\[0\]\.roleArn must match pattern/, 'bad ARN');
  t.match(message, /roles\[0\]\.port must be <= 65535/, 'bad port');
  t.match(message, /extra is not a known option \(fix: remove it/, 'unknown top-level field');
  t.equal(message.split('\n').length, 1, 'one line');
});

t.test('semantic problems: combined sources, missing and duplicate ports', async (t) => {
  await rejects(t, file({ roles: [{ profile: 'a', roleArn: ARN }] }), /profile and roles\[0\]\.roleArn cannot be combined/);
  await rejects(t, file({ roles: [{ profile: 'a', port: 1 }, { profile: 'b' }] }), /roles\[1\]\.port is required when several roles/);
  await rejects(t, file({ roles: [{ profile: 'a', port: 1400 }, { profile: 'b', port: 1400 }] }), /roles\[1\]\.port 1400 is also used by roles\[0\]/);
});

t.test('unreadable, non-JSON and empty files', async (t) => {
  await rejects(t, join(dir, 'missing.json'), /cannot be read \(ENOENT\)/);
  await rejects(t, file('{ not json'), /is not valid JSON/);
  await rejects(t, file({}), /roles is required/);
  await rejects(t, file({ roles: [] }), /roles must NOT have fewer than 1 items/);
  await rejects(t, file([]), /must be object/);
});

t.test('field names read like the file', async (t) => {
  t.equal(fileFieldNamer('/roles/2/port'), 'roles[2].port', 'nested');
  t.equal(fileFieldNamer('', 'roles'), 'roles', 'a missing top-level property');
  t.equal(fileFieldNamer(''), '(top level)', 'the document itself');
});

t.test('a non-loopback host needs allowCidrs, and CIDRs must be real ones', async (t) => {
  await rejects(t, file({ roles: [{ roleArn: ARN, host: '172.17.0.1' }] }), /roles\[0\]\.host 172\.17\.0\.1 is not loopback: .*allowCidrs/);
  await rejects(t, file({ roles: [{ roleArn: ARN, host: '0.0.0.0', allowCidrs: ['300.1.1.1/8'] }] }), /300\.1\.1\.1\/8 is not a CIDR/);
  await rejects(t, file({ roles: [{ roleArn: ARN, host: '0.0.0.0', allowCidrs: ['10.0.0.0/33'] }] }), /is not a CIDR/);
  const ok = await loadConfigFile(file({ roles: [{ roleArn: ARN, host: '172.17.0.1', allowCidrs: ['172.17.0.0/16', 'fd00::/8'] }] }));
  t.same(ok.roles[0]?.allowCidrs, ['172.17.0.0/16', 'fd00::/8'], 'accepted with networks');
  const loopback = await loadConfigFile(file({ roles: [{ roleArn: ARN, host: '127.0.0.1' }] }));
  t.equal(loopback.roles[0]?.host, '127.0.0.1', 'a loopback host needs nothing more');
});

const builtValidator: { default?: unknown } = await import(new URL('../../dist/src/config/config-validator.js', import.meta.url).href)
  .catch(() => ({}));

t.test('issue 15: the build\'s precompiled validator and the schema compiled at run time agree', {
  skip: typeof builtValidator.default !== 'function' && 'dist/src/config/config-validator.js is not built (npm run build)',
}, async (t) => {
  const module = builtValidator;
  const precompiled = module.default as ((data: unknown) => boolean) & { errors?: unknown };
  const compiled = await compileValidator();
  const samples: unknown[] = [
    { roles: [{ roleArn: ARN }] },
    { roles: [] },
    { roles: [{ roleArn: ARN, port: 'x', durationSec: 1 }], tickSec: -1, extra: true },
    { roles: [{ profile: 'dev', allowUids: ['a'], imdsV1: 'yes' }], logLevel: 'loud' },
    'not an object',
  ];
  for (const sample of samples) {
    t.equal(precompiled(sample), compiled(sample), `same verdict for ${JSON.stringify(sample)}`);
    t.same(precompiled.errors ?? null, compiled.errors ?? null, 'and the same errors');
  }
});
