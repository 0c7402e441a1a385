import t from 'tap';
import { parseIni } from '../../../src/cli/doctor/ini.js';

t.test('sections and keys as the AWS files write them', async (t) => {
  const ini = parseIni([
    '# a comment', '; another', 'orphan = before any section',
    '[default]', 'AWS_Access_Key_ID = AKIA1', 'region=us-east-1', '',
    '[ profile   dev ]', 'role_arn = arn:aws:iam::1:role/dev', 's3 =', '  max_concurrent_requests = 20', 'no equals sign here', '= no key',
    '[default]', 'output = json',
  ].join('\r\n'));
  t.same([...ini.keys()], ['default', 'profile dev'], 'section names trimmed, inner spaces collapsed, repeats merged');
  t.same(ini.get('default'), { aws_access_key_id: 'AKIA1', region: 'us-east-1', output: 'json' }, 'keys lower-cased, values trimmed');
  t.same(ini.get('profile dev'), { role_arn: 'arn:aws:iam::1:role/dev', s3: '' }, 'indented sub-settings and malformed lines are skipped');
});
