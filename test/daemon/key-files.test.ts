import { chmodSync } from 'node:fs';
import t from 'tap';
import { checkKeyFilePermissions, sharedFilePaths } from '../../src/daemon/key-files.js';
import { ImdsdError } from '../../src/errors.js';
import { writeAwsFiles } from '../support/aws-files.js';

const KEYS = '[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cret\n';

async function outcome(paths: string[], platform?: NodeJS.Platform): Promise<ImdsdError | 'ok'> {
  try {
    await checkKeyFilePermissions(paths, platform);
    return 'ok';
  } catch (error) {
    return error as ImdsdError;
  }
}

t.test('a group- or world-readable file holding secret keys is refused with the chmod that fixes it', async (t) => {
  const files = writeAwsFiles('[profile dev]\nregion = eu-west-1\n', KEYS);
  chmodSync(files.credentialsFile, 0o644);
  chmodSync(files.configFile, 0o644);
  const error = await outcome([files.credentialsFile, files.configFile]);
  t.type(error, ImdsdError, 'refused');
  const coded = error as ImdsdError;
  t.equal(coded.code, 'IMDSD_ERR_CONFIG', 'a configuration error (exit 78)');
  t.match(coded.message, `${files.credentialsFile} (mode 644): holds secret access keys`, 'names the file and its mode');
  t.notMatch(coded.message, files.configFile, 'a readable file without keys is fine');
  t.equal(coded.hint, `chmod 600 ${files.credentialsFile}`, 'the fix');
  t.notMatch(`${coded.message}${coded.hint}`, /s3cret/, 'without quoting the key');
});

t.test('private files, missing files and Windows pass', async (t) => {
  const files = writeAwsFiles('', KEYS);
  t.equal(await outcome([files.credentialsFile]), 'ok', '0600 is fine');
  chmodSync(files.credentialsFile, 0o640);
  t.type(await outcome([files.credentialsFile]), ImdsdError, '0640 is not');
  t.equal(await outcome([files.credentialsFile], 'win32'), 'ok', 'no POSIX modes on Windows');
  t.equal(await outcome(['/nonexistent/imdsd/credentials']), 'ok', 'a missing file is fine');
});

t.test('the paths follow the SDK variables', async (t) => {
  t.same(sharedFilePaths({ AWS_SHARED_CREDENTIALS_FILE: '/a', AWS_CONFIG_FILE: '/b' }), ['/a', '/b'], 'from the environment');
  t.same(sharedFilePaths({}, '/home/u'), ['/home/u/.aws/credentials', '/home/u/.aws/config'], 'the defaults');
});
