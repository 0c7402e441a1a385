// Units installed by imdsd 0.1 run `node <package>/dist/src/daemon/cli.js` (issue 19); the
// CLI is now dist/src/cli/main.js. For one release that old path stays a working CLI: a
// shim that only imports the new one, which reads process.argv as before. It is written
// here rather than compiled from src/ because src/daemon may not import src/cli
// (test/boundaries.test.ts). Remove it in the release after next.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shim = join(root, 'dist', 'src', 'daemon', 'cli.js');
mkdirSync(dirname(shim), { recursive: true });
writeFileSync(shim, "#!/usr/bin/env node\n// The CLI's path before 0.2 (issue 19): units installed then still start. Remove after one release.\nimport '../cli/main.js';\n");
