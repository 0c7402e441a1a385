/** The ImdsdError a promise rejects with; anything else (or success) fails the test. */
import { ImdsdError } from '../../src/errors.js';

export async function codedFailure(promise: Promise<unknown>): Promise<ImdsdError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ImdsdError) return error;
    throw error;
  }
  throw new Error('expected a coded failure, got success');
}
