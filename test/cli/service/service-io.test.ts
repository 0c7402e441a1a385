/** The real ServiceIo, on a temporary directory and with harmless commands. */
import t from 'tap';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultServiceIo, replaceFile, runCommand } from '../../../src/cli/service/service-io.js';

t.test('describes this process', async (t) => {
  const io = defaultServiceIo();
  t.equal(io.platform, process.platform, 'platform');
  t.equal(io.env, process.env, 'env');
  t.equal(io.homedir, homedir(), 'home');
  t.equal(io.uid, process.getuid?.(), 'uid');
  t.equal(io.cwd, process.cwd(), 'cwd');
});

t.test('files: mkdir -p, replace with a mode, exists, remove (twice is fine)', async (t) => {
  const io = defaultServiceIo();
  const dir = join(mkdtempSync(join(tmpdir(), 'imdsd-io-')), 'a', 'b');
  await io.mkdir(dir);
  await io.mkdir(dir);
  t.ok(statSync(dir).isDirectory(), 'created with parents, and again is fine');
  const file = join(dir, 'imdsd.service');
  t.equal(await io.exists(file), false, 'not there yet');
  writeFileSync(file, 'old', { mode: 0o600 });
  await io.writeFile(file, 'new content\n', 0o644);
  t.equal(readFileSync(file, 'utf8'), 'new content\n', 'replaced');
  t.equal(statSync(file).mode & 0o777, 0o644, 'the mode applies to an existing file too');
  t.same(readdirSync(dir), ['imdsd.service'], 'no temporary file is left');
  t.equal(await io.exists(file), true, 'exists');
  await io.removeFile(file);
  await io.removeFile(file);
  t.equal(await io.exists(file), false, 'removed, and removing again is fine');
});

t.test('a failed write leaves no temporary file behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'imdsd-io-'));
  await t.rejects(replaceFile(join(dir, 'missing-dir', 'x'), 'x', 0o644), { code: 'ENOENT' }, 'the error goes to the caller');
  const target = join(dir, 'is-a-dir');
  await defaultServiceIo().mkdir(target);
  await t.rejects(replaceFile(target, 'x', 0o644), 'renaming over a directory fails');
  t.same(readdirSync(dir), ['is-a-dir'], 'the temporary file was removed');
});

t.test('commands: exit status and output, never a rejection', async (t) => {
  const ok = await runCommand(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err")']);
  t.same(ok, { code: 0, stdout: 'out', stderr: 'err' }, 'success');
  const failed = await defaultServiceIo().run(process.execPath, ['-e', 'process.stderr.write("bad"); process.exit(3)']);
  t.same(failed, { code: 3, stdout: '', stderr: 'bad' }, 'a non-zero exit');
  const quiet = await runCommand(process.execPath, ['-e', 'process.exit(4)']);
  t.equal(quiet.code, 4, 'exit 4');
  t.match(quiet.stderr, /^.*node: Command failed/, 'without stderr the reason is the failure itself');
  const missing = await runCommand('/nonexistent/launchctl', ['bootout']);
  t.equal(missing.code, 127, 'a missing command is 127');
  t.match(missing.stderr, /\/nonexistent\/launchctl: .*ENOENT/, 'and says so');
});

t.test('sleep waits about as long as asked', async (t) => {
  const started = Date.now();
  await defaultServiceIo().sleep(20);
  t.ok(Date.now() - started >= 15, 'waited');
});

t.test('stdout and stderr write to the process streams', async (t) => {
  const io = defaultServiceIo();
  const written: string[] = [];
  const out = process.stdout.write;
  const err = process.stderr.write;
  process.stdout.write = ((text: string) => written.push(`out:${text}`) > 0) as typeof process.stdout.write;
  process.stderr.write = ((text: string) => written.push(`err:${text}`) > 0) as typeof process.stderr.write;
  try {
    io.stdout('a');
    io.stderr('b');
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  t.same(written, ['out:a', 'err:b'], 'both');
});
