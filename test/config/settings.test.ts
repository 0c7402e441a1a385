import t from 'tap';
import { readFileSync } from 'node:fs';
import { RUN_OPTIONS } from '../../src/config/run-options.js';
import { CONFIG_SCHEMA, settingsOf, type DaemonSettings, type RoleSpec } from '../../src/config/settings.js';

t.test('the committed schema/config.schema.json is the one built from the option table', async (t) => {
  const committed = readFileSync(new URL('../../schema/config.schema.json', import.meta.url), 'utf8');
  t.equal(committed, `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`, 'byte for byte, property order included (fix: npm run build and commit it)');
});

t.test('every setting of the table is in the schema, at the level its scope says', async (t) => {
  const roleFields = Object.keys(CONFIG_SCHEMA.definitions.role.properties);
  const topFields = Object.keys(CONFIG_SCHEMA.properties);
  for (const [flag, field, schema] of settingsOf('role')) {
    t.ok(roleFields.includes(field) && !topFields.includes(field), `--${flag} sets ${field} per role`);
    t.equal((CONFIG_SCHEMA.definitions.role.properties as Record<string, unknown>)[field], schema, `${field}'s schema is the table's`);
  }
  for (const [flag, field, schema] of settingsOf('daemon')) {
    t.ok(topFields.includes(field) && !roleFields.includes(field), `--${flag} sets ${field} at the top level`);
    t.equal((CONFIG_SCHEMA.properties as Record<string, unknown>)[field], schema, `${field}'s schema is the table's`);
  }
  t.same(topFields.filter((field) => !settingsOf('daemon').some(([, f]) => f === field)), ['$schema', 'roles'], 'nothing else at the top level');
});

t.test('the settings are the table\'s flags with a field, and only those', async (t) => {
  const withField = Object.values(RUN_OPTIONS).filter((option) => 'field' in option).length;
  t.equal(settingsOf('role').length + settingsOf('daemon').length, withField, 'one setting per flag with a field');
  t.same(settingsOf('role').slice(0, 2).map(([flag]) => flag), ['profile', 'role-arn'], 'the source flags are per-role settings, in table order');
});

t.test('problems are reported in the published property order', async (t) => {
  t.same(Object.keys(CONFIG_SCHEMA.properties).slice(0, 4), ['$schema', 'logLevel', 'tickSec', 'roles'], 'as first published');
});

t.test('the types follow the schema (checked by tsc: a wrong type here fails the typecheck)', async (t) => {
  const role: RoleSpec = { profile: 'dev', port: 1400, allowUids: [1000], imdsV1: true, allowCidrs: ['10.0.0.0/8'] };
  const settings: DaemonSettings = { logLevel: 'debug', tickSec: 30, ssoWarningSec: [300], desktopNotify: false };
  // @ts-expect-error a port is an integer in the schema, so a number here
  const badRole: RoleSpec = { port: '1400' };
  // @ts-expect-error logLevel is one of the schema's enum
  const badSettings: DaemonSettings = { logLevel: 'loud' };
  // @ts-expect-error tickSec is daemon-wide, not per role
  const misplaced: RoleSpec = { tickSec: 30 };
  t.ok(role && settings && badRole && badSettings && misplaced, 'typed');
});
