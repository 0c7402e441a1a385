import t from 'tap';
import { attemptSsoRenewal, outcomeOfLog, type TokenProvider } from '../../src/refresher/sso-renew.js';

const named = (name: string) => Object.assign(new Error('x'), { name });

t.test('the outcome comes from the SDK client\'s report of CreateToken, not from the token', async (t) => {
  t.equal(outcomeOfLog('info', { commandName: 'CreateTokenCommand', output: {} }), 'renewed', 'a new token');
  for (const name of ['InvalidGrantException', 'ExpiredTokenException', 'UnauthorizedClientException', 'InvalidClientException', 'AccessDeniedException']) {
    t.equal(outcomeOfLog('error', { commandName: 'CreateTokenCommand', error: named(name) }), 'refused', `${name} refuses the login`);
  }
  for (const name of ['InternalServerException', 'SlowDownException', 'TimeoutError', 'Error']) {
    t.equal(outcomeOfLog('error', { commandName: 'CreateTokenCommand', error: named(name) }), 'failed', `${name} is a failure to retry`);
  }
  t.equal(outcomeOfLog('error', { commandName: 'CreateTokenCommand' }), 'failed', 'an error without a name');
  t.equal(outcomeOfLog('info', { commandName: 'GetRoleCredentialsCommand' }), undefined, 'another command says nothing');
  t.equal(outcomeOfLog('info', 'text'), undefined, 'nor a line of text');
});

t.test('one attempt through the provider: what its logger heard, or skipped', async (t) => {
  const answering = (level: 'info' | 'error' | undefined, error?: Error): TokenProvider => async ({ profile, clientConfig }) => {
    t.equal(profile, 'dev', 'the profile is passed');
    if (level !== undefined) clientConfig.logger[level]?.({ commandName: 'CreateTokenCommand', error });
    if (error !== undefined) return { token: 'old' };
    return { token: 'new' };
  };
  t.equal(await attemptSsoRenewal('dev', answering('info')), 'renewed', 'renewed');
  t.equal(await attemptSsoRenewal('dev', answering('error', named('InvalidGrantException'))), 'refused', 'refused, though the provider returned the old token');
  t.equal(await attemptSsoRenewal('dev', answering('error', named('TypeError'))), 'failed', 'failed');
  t.equal(await attemptSsoRenewal('dev', answering(undefined)), 'skipped', 'no attempt reported: skipped');
  t.equal(await attemptSsoRenewal('dev', async () => { throw new Error('Token is expired'); }), 'skipped', 'a provider that throws made no attempt');
});
