/**
 * What a person runs when the local clock is wrong: STS refuses signatures more than five
 * minutes off (docs/imds-protocol.md, "STS"). One table for the daemon's hint and doctor's fix.
 */
export const TIME_SYNC_COMMANDS: Readonly<Partial<Record<NodeJS.Platform, string>>> = {
  linux: 'sudo timedatectl set-ntp true',
  darwin: 'sudo sntp -sS time.apple.com',
  win32: 'w32tm /resync',
};

/** The fix on one platform (doctor knows where it runs). */
export function timeSyncFix(platform: NodeJS.Platform): string {
  return TIME_SYNC_COMMANDS[platform] ?? 'enable time synchronisation';
}

/** The hint in the daemon's errors and logs, which are read on either platform. */
export const TIME_SYNC_HINT = `enable time sync (Linux: \`${TIME_SYNC_COMMANDS.linux}\`; macOS: \`${TIME_SYNC_COMMANDS.darwin}\`)`;
