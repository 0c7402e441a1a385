/**
 * Prepares the control socket's directory: created 0700, and refused when it belongs
 * to someone else or others can write to it (they could swap the socket). An existing
 * directory of this user that others can only read is tightened to 0700; one others can
 * write to is never changed: `--control-socket /tmp/imdsd.sock` run as root once made
 * /tmp itself 0700, which broke every other user of the machine.
 */
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ImdsdError } from '../../errors.js';

export async function preparePrivateDir(socketPath: string, uid: number | undefined): Promise<void> {
  const dir = dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await lstat(dir);
  if (!info.isDirectory()) {
    throw new ImdsdError('IMDSD_ERR_CONTROL_UNSAFE', `${dir} is not a directory`, { hint: 'remove it or pass --control-socket' });
  }
  if (uid !== undefined && info.uid !== uid) {
    throw new ImdsdError('IMDSD_ERR_CONTROL_UNSAFE', `${dir} belongs to uid ${info.uid}, not to this user (${uid})`,
      { hint: 'remove it or pass --control-socket with a path of your own' });
  }
  if ((info.mode & 0o1022) !== 0) {
    throw new ImdsdError('IMDSD_ERR_CONTROL_UNSAFE',
      `${dir} can be written by others (mode ${(info.mode & 0o7777).toString(8)}): they could replace the control socket`,
      { hint: 'pass --control-socket with a path in a directory of your own (it is created 0700)' });
  }
  if ((info.mode & 0o077) !== 0) await chmod(dir, 0o700);
}
