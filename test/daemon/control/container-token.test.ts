/**
 * The ECS token file on a real file system: written whole and private, kept across a
 * restart only when it is still ours, private and well formed.
 */
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { newContainerToken, privateTokens, reusableContainerToken, writeContainerToken } from '../../../src/daemon/control/container-token.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'imdsd-token-'));
const SHAPE = /^[A-Za-z0-9_-]{43}$/;
const uid = process.getuid?.();

t.test('a new token: 32 random bytes in base64url, no newline', async (t) => {
  const tokens = new Set(Array.from({ length: 50 }, () => newContainerToken()));
  t.equal(tokens.size, 50, 'each one different');
  for (const token of tokens) t.match(token, SHAPE, 'base64url, 43 characters');
});

t.test('written 0600, whole, with no temporary file left', async (t) => {
  const path = join(dir(), 'ecs-token');
  const token = newContainerToken();
  await writeContainerToken(path, token);
  t.equal(readFileSync(path, 'utf8'), token, 'the bytes, no trailing newline');
  t.equal(statSync(path).mode & 0o777, 0o600, 'owner only');
  t.same(readdirSync(join(path, '..')), ['ecs-token'], 'only the file itself');
  const next = newContainerToken();
  await writeContainerToken(path, next);
  t.equal(readFileSync(path, 'utf8'), next, 'a second write replaces it');
});

t.test('a restart keeps a private, well-formed token of ours and replaces anything else', async (t) => {
  const path = join(dir(), 'ecs-token');
  const missing = await reusableContainerToken(path, uid);
  t.match(missing, SHAPE, 'no file: a new token');
  const kept = newContainerToken();
  await writeContainerToken(path, kept);
  t.equal(await reusableContainerToken(path, uid), kept, 'ours, 0600, well formed: kept');
  t.equal(await reusableContainerToken(path, undefined), kept, 'no uid to compare: kept');
  if (uid !== undefined) t.not(await reusableContainerToken(path, uid + 1), kept, 'another user\'s: replaced');
  chmodSync(path, 0o640);
  t.not(await reusableContainerToken(path, uid), kept, 'readable by the group: replaced');
  writeFileSync(path, `${kept}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  const replaced = await reusableContainerToken(path, uid);
  t.not(replaced, `${kept}\n`, 'a trailing newline: replaced');
  t.match(replaced, SHAPE, 'by a well-formed one');
  writeFileSync(path, 'short');
  t.not(await reusableContainerToken(path, uid), 'short', 'a short one: replaced');
});

t.test('the ECS token and the IMDSv2 key: each reused or new, both written by save()', async (t) => {
  const base = dir();
  const tokenFile = join(base, 'ecs-token');
  const keyFile = join(base, 'imds-token-key');
  const first = await privateTokens(tokenFile, keyFile, uid);
  t.not(first.containerToken, first.tokenSecret, 'two different secrets');
  t.throws(() => statSync(tokenFile), 'nothing written before save()');
  await first.save();
  t.equal(readFileSync(tokenFile, 'utf8'), first.containerToken, 'the ECS token written');
  t.equal(readFileSync(keyFile, 'utf8'), first.tokenSecret, 'the key written');
  const second = await privateTokens(tokenFile, keyFile, uid);
  t.same([second.containerToken, second.tokenSecret], [first.containerToken, first.tokenSecret], 'a restarted daemon reads both back');
  t.equal(second.tokenFile, tokenFile, 'and says where the ECS token is');
});
