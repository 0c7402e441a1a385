/**
 * The part of a logger the IMDS code uses. The daemon passes its pino logger; src/imds
 * itself depends on node: only (test/imds/boundaries.test.ts).
 */
type LogMethod = (fields: object, message: string) => void;

export interface ImdsLog {
  /** pino's level name: requests are logged only at `debug` or `trace`. */
  readonly level: string;
  readonly debug: LogMethod;
  readonly info: LogMethod;
  readonly warn: LogMethod;
  readonly error: LogMethod;
}

const nothing: LogMethod = () => undefined;

/** For an app built without a logger. */
export const SILENT_LOG: ImdsLog = { level: 'silent', debug: nothing, info: nothing, warn: nothing, error: nothing };
