#!/usr/bin/env node
/**
 * The published package.json has no `prepare` script. In a git clone `prepare` builds on
 * `npm install`; in the tarball it would make npm 11 warn on every `npm install -g imdsd`
 * ("install scripts not yet covered by allowScripts"), although the tarball is already
 * built (`prepack`). npm packs package.json as it is on disk after `prepack`, so `strip`
 * (run by prepack) takes the script out and keeps the original beside it, and `restore`
 * (run by postpack) puts the original back. A strip that finds a leftover copy (a pack
 * that failed before postpack) restores it first, so the script is never lost.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const manifest = join(root, 'package.json');
const kept = join(root, '.package.json.unpacked');

function restore() {
  if (existsSync(kept)) renameSync(kept, manifest);
}

function strip() {
  restore();
  const text = readFileSync(manifest, 'utf8');
  const pkg = JSON.parse(text);
  writeFileSync(kept, text);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}

const action = process.argv[2];
if (action === 'strip') strip();
else if (action === 'restore') restore();
else {
  process.stderr.write('usage: pack-manifest.mjs strip|restore\n');
  process.exit(2);
}
