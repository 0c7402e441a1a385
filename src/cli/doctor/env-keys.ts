/** The variables through which a shell exports AWS keys, and the one line that removes them. */

/** AWS_SECURITY_TOKEN is boto2's name, which botocore still reads. */
export const KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'] as const;

export function unsetKeysFix(env: NodeJS.ProcessEnv): string {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', ...(env.AWS_SECURITY_TOKEN ? ['AWS_SECURITY_TOKEN'] : [])];
  return `unset ${names.join(' ')}`;
}
