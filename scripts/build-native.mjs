#!/usr/bin/env node
/**
 * Builds native/sock-diag.c into dist/native/sock-diag-<platform>-<arch>.node, the fast
 * per-connection uid lookup (netlink sock_diag), with the C compiler and the running
 * Node's own headers: no node-gyp, which would download headers. Run by `npm run build`,
 * so `npm install` in a clone and `prepack` both build it, and the published tarball
 * carries it prebuilt: installing the package runs no script and needs no compiler.
 * Never fails the build: without a compiler, headers or Linux, imdsd reads
 * /proc/net/tcp instead (src/system/sock-diag.ts), and this says so in one line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

const root = process.cwd();
const out = join(root, 'dist', 'native', `sock-diag-${process.platform}-${process.arch}.node`);
const source = join(root, 'native', 'sock-diag.c');

function skip(reason) {
  rmSync(out, { force: true });
  process.stderr.write(`imdsd: native sock_diag lookup not built (${reason}); the per-uid check will read /proc/net/tcp\n`);
}

function headerDir() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    join(homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, 'node_api.h')));
}

if (process.platform !== 'linux') skip(`sock_diag is Linux only, this is ${process.platform}`);
else if (process.env.IMDSD_NO_NATIVE === '1') skip('IMDSD_NO_NATIVE=1');
else {
  const include = headerDir();
  if (include === undefined) skip('no node_api.h beside this Node');
  else {
    mkdirSync(dirname(out), { recursive: true });
    const compiler = process.env.CC || 'cc';
    try {
      execFileSync(compiler, ['-O2', '-fPIC', '-shared', '-Wall', '-Wextra', '-I', include, '-o', out, source], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const detail = error.code === 'ENOENT' ? `no C compiler "${compiler}"` : String(error.stderr ?? error.message).trim().split('\n')[0];
      skip(detail);
    }
  }
}
