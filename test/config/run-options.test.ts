import t from 'tap';
import { SERVE_MIN_REMAINING_MS } from '../../src/credentials.js';
import { FLAG_OF_FIELD, ROLE_FLAGS, RUN_OPTIONS, type RunOptionName } from '../../src/config/run-options.js';
import schema from '../../schema/config.schema.json' with { type: 'json' };

t.test('role flags are the ones a config file holds per role; daemon flags are not among them', async (t) => {
  t.ok(ROLE_FLAGS.includes('port') && ROLE_FLAGS.includes('profile') && ROLE_FLAGS.includes('allow-uid'), 'per-role flags');
  for (const daemonFlag of ['tick', 'log-level', 'expiry-warning', 'control-socket', 'config'] as const) {
    t.notOk(ROLE_FLAGS.includes(daemonFlag), `--${daemonFlag} goes with --config`);
  }
});

t.test('issue 20: the flags refused with --config are the per-role settings and --external-id-file, as before', async (t) => {
  t.same(ROLE_FLAGS, ['profile', 'role-arn', 'role-name', 'port', 'host', 'region', 'duration', 'refresh-before', 'session-name',
    'external-id', 'external-id-file', 'imds-v1', 'allow-uid', 'allow-cidr', 'allow-host', 'allow-forwarded', 'link-local',
    'mfa-session-duration'], 'in table order');
});

t.test('every config field a flag sets is a field of the schema', async (t) => {
  const roleFields = Object.keys(schema.definitions.role.properties);
  const topFields = Object.keys(schema.properties);
  for (const [field, flag] of Object.entries(FLAG_OF_FIELD)) {
    t.ok(roleFields.includes(field) || topFields.includes(field), `${flag} sets ${field}, which the schema knows`);
  }
});

t.test('the least --refresh-before leaves time for a retry before nothing is served', async (t) => {
  const minimum = schema.definitions.role.properties.refreshBeforeSec.minimum;
  t.ok(minimum * 1000 > SERVE_MIN_REMAINING_MS, `${minimum} s is more than the ${SERVE_MIN_REMAINING_MS / 1000} s in which nothing is served`);
});
