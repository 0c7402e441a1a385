import t from 'tap';
import { ecsChecks } from '../../../src/cli/doctor/ecs-checks.js';
import { fakeStatus, only, situation, tempHome, writeHomeFile } from '../../support/doctor-fakes.js';

const home = tempHome();
const tokenFile = writeHomeFile(home, 'run/container-token', 'secret-token-1234567890');
const running = { home, status: async () => fakeStatus(undefined, { containerTokenFile: tokenFile }) };
const URI = 'http://127.0.0.1:1338/v1/credentials/dev';
const check = async (env: Record<string, string>, status: Partial<typeof running> = running) =>
  only(await ecsChecks(await situation({ ...status, env })), 'env-ecs');

t.test('nothing set, nothing said', async (t) => {
  t.same(await ecsChecks(await situation({ ...running, env: {} })), [], 'no finding');
});

t.test('the relative URI always means 169.254.170.2, never imdsd', async (t) => {
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x', AWS_CONTAINER_CREDENTIALS_FULL_URI: URI }), {
    level: 'problem', title: /http:\/\/169\.254\.170\.2\/v2\/credentials\/x \(not imdsd\)/, fix: 'unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  }, 'relative, which wins over full');
});

t.test('the full URI reaches this daemon with its token', async (t) => {
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile }),
    { level: 'ok', title: 'AWS_CONTAINER_CREDENTIALS_FULL_URI reaches imdsd\'s container endpoint for role dev' }, 'token file');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://localhost:1338/v1/credentials/dev', AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token-1234567890' }),
    { level: 'ok' }, 'localhost and the token itself');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/elsewhere' }),
    { level: 'problem', title: /names \/elsewhere, not .*: imdsd answers 401/, fix: 'eval "$(imdsd env --ecs --role dev)"' }, 'another token file');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong' }),
    { level: 'problem', title: /AWS_CONTAINER_AUTHORIZATION_TOKEN is not imdsd's token/ }, 'a wrong token');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI }), { level: 'problem', title: /no AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE is set/ }, 'no token');
});

t.test('a full URI that is not this daemon\'s hides it', async (t) => {
  const fix = 'unset AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE AWS_CONTAINER_AUTHORIZATION_TOKEN';
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9999/creds' }), { level: 'problem', title: /it is not one of this imdsd's container endpoints/, fix }, 'elsewhere');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.23/v1/credentials/dev' }), { level: 'problem' }, 'not loopback');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: 'not a url' }), { level: 'problem' }, 'not a URL');
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI }, { home }), { level: 'problem', title: /imdsd is not running to serve it/, fix }, 'no daemon');
  const portless = { home, status: async () => fakeStatus([{ ...fakeStatus().roles[0]!, containerCredentialsUri: undefined }]) };
  t.match(await check({ AWS_CONTAINER_CREDENTIALS_FULL_URI: URI }, portless), { level: 'problem' }, 'a role without an endpoint');
});
