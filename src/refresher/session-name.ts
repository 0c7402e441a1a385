/**
 * AssumeRole session names: `imdsd-<user>` by default. STS allows 2–64 characters of
 * [\w+=,.@-]; anything else in a user name is replaced so the default always works.
 */
const MAX_LEN = 64;

export function defaultSessionName(userName: string): string {
  const safe = userName.replace(/[^\w+=,.@-]/g, '-') || 'user';
  return `imdsd-${safe}`.slice(0, MAX_LEN);
}

export function isValidSessionName(name: string): boolean {
  return /^[\w+=,.@-]{2,64}$/.test(name);
}
