/**
 * How the service commands talk to the person who ran them: a failure they report
 * without throwing, in the CLI's one error format (report-error.ts), and the line for the
 * shell profile.
 */
import { DEFAULTS, type DaemonConfig } from '../../config/config.js';
import { errorLine } from '../report-error.js';
import type { ServiceIo } from './service-io.js';

export function printError(io: ServiceIo, message: string, hint?: string): void {
  io.stderr(errorLine(message, hint));
}

/** A listen address a client can use: the loopback default, or the one given. */
function clientHost(host: string | undefined): string {
  if (host === undefined || host === '0.0.0.0' || host === '::' || host === 'localhost') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * The export line for the first role, the one the SDKs should use by default. Port 0
 * means a new port on every start, so there is no line to give.
 */
export function endpointAdvice(config: DaemonConfig): string {
  const role = config.roles[0];
  const port = role?.port ?? DEFAULTS.port;
  if (role?.linkLocal === true) {
    return 'Link-local mode: once `sudo imdsd install --link-local` has run, SDKs find http://169.254.169.254/ with no variable set.\n';
  }
  if (port === 0) {
    return 'The service picks a free port at every start (--port 0); its log names it. Give it a fixed --port for a stable endpoint.\n';
  }
  return `Add this line to your shell profile (~/.zshrc, ~/.bashrc, ...):\n  export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://${clientHost(role?.host)}:${port}/\n`;
}
