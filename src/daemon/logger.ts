/**
 * pino JSON logs to stdout, where launchd and journald pick them up. Secrets are
 * redacted by path wherever they might be attached; an access key id shows only its
 * last four characters, as aws-vault logs it.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';
import { keyIdTail } from '../credentials.js';

const SECRET_KEYS = [
  'secretAccessKey', 'SecretAccessKey', 'sessionToken', 'SessionToken', 'Token', 'token',
  'authorization', 'Authorization', 'x-aws-ec2-metadata-token', 'password', 'credentials',
];
const KEY_ID_KEYS = ['accessKeyId', 'AccessKeyId', 'aws_access_key_id'];

const paths = [...SECRET_KEYS, ...KEY_ID_KEYS].flatMap((key) => {
  const prop = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  const join = prop.startsWith('[') ? '' : '.';
  return [prop, `*${join}${prop}`, `*.*${join}${prop}`, `req.headers${join}${prop}`];
});

function censor(value: unknown, path: string[]): unknown {
  const key = path[path.length - 1] ?? '';
  if (KEY_ID_KEYS.includes(key) && typeof value === 'string') return keyIdTail(value);
  return '[redacted]';
}

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths, censor },
    formatters: { level: (label) => ({ level: label }) },
  }, destination ?? pino.destination({ dest: 1, sync: true }));
}
