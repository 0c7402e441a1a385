/**
 * The AWS shared files that hold long-term secret keys must be private: a key readable
 * by other users outlives every session imdsd rotates. imdsd refuses to start while one
 * is group- or world-readable, and names the chmod that fixes it.
 */
import { readFile, stat } from 'node:fs/promises';
import { ImdsdError } from '../errors.js';
import type { SharedFilePaths } from '../system/aws-files.js';

const SECRET_SETTING = /^\s*aws_secret_access_key\s*=/m;

/** Both shared files (src/system/aws-files.ts finds them), the credentials file first. */
export async function checkKeyFilePermissions(paths: SharedFilePaths, platform: NodeJS.Platform = process.platform): Promise<void> {
  if (platform === 'win32') return;
  const exposed: string[] = [];
  for (const path of [paths.credentials, paths.config]) {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || (info.mode & 0o077) === 0) continue;
    const text = await readFile(path, 'utf8').catch(() => '');
    if (SECRET_SETTING.test(text)) exposed.push(`${path} (mode ${(info.mode & 0o777).toString(8)})`);
  }
  if (exposed.length > 0) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `${exposed.join(', ')}: holds secret access keys and is readable by other users`,
      { hint: `chmod 600 ${exposed.map((entry) => entry.replace(/ \(mode \d+\)$/, '')).join(' ')}` });
  }
}
