/**
 * The STS error code an AWS SDK exception carries. The SDK names the exception class after
 * the code (`ExpiredTokenException` for `ExpiredToken`) and, for the Query protocol STS
 * speaks, may also copy the code into `Code`. A plain `Error` (deserialization failures,
 * network errors) names no code.
 */

/** The code as the exception spells it: `Code`, else the class name. */
export function stsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { Code, name } = error as { Code?: unknown; name?: unknown };
  if (typeof Code === 'string') return Code;
  return typeof name === 'string' && name !== 'Error' ? name : undefined;
}

/** The code as STS documents it: without the SDK's `Exception` suffix. */
export function stsErrorCode(error: unknown): string | undefined {
  return stsErrorName(error)?.replace(/Exception$/, '');
}
