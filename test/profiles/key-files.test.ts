import { chmodSync } from 'node:fs';
import t from 'tap';
import { checkKeyFilePermissions } from '../../src/profiles/key-files.js';
import { ImdsdError } from '../../src/errors.js';
import { writeAwsFiles } from '../support/aws-files.js';

const KEYS = '[base]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cret\n';

const MISSING = '/nonexistent/imdsd/config';

async function outcome(credentials: string, config = MISSING, platform?: NodeJS.Platform): Promise<ImdsdError | 'ok'> {
  try {
    await checkKeyFilePermissions({ credentials, config }, platform);
    return 'ok';
  } catch (error) {
    return error as ImdsdError;
  }
}

t.test('a group- or world-readable file holding secret keys is refused with the chmod that fixes it', async (t) => {
  const files = writeAwsFiles('[profile dev]\nregion = eu-west-1\n', KEYS);
  chmodSync(files.credentialsFile, 0o644);
  chmodSync(files.configFile, 0o644);
  const error = await outcome(files.credentialsFile, files.configFile);
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
  t.equal(await outcome(files.credentialsFile), 'ok', '0600 is fine');
  chmodSync(files.credentialsFile, 0o640);
  t.type(await outcome(files.credentialsFile), ImdsdError, '0640 is not');
  t.equal(await outcome(files.credentialsFile, MISSING, 'win32'), 'ok', 'no POSIX modes on Windows');
  t.equal(await outcome('/nonexistent/imdsd/credentials'), 'ok', 'a missing file is fine');
});

t.test('the config file is checked too: it may hold keys', async (t) => {
  const files = writeAwsFiles(`[profile me]\n${KEYS.split('\n').slice(1).join('\n')}`, '');
  chmodSync(files.configFile, 0o604);
  t.match(await outcome(files.credentialsFile, files.configFile), { code: 'IMDSD_ERR_CONFIG', message: `${files.configFile} (mode 604)` }, 'a world-readable config file with keys');
});
