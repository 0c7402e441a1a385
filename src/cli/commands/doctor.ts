/**
 * `imdsd doctor [--role NAME] [--json] [--check-env-credentials] [--control-socket PATH]`:
 * why the SDKs in this shell do or do not get their credentials from imdsd. Looks at
 * the daemon, the IMDS endpoint, the shell's variables, the shared files, the caches,
 * proxies, the clock and the port, and prints each finding with its fix.
 * Exit 0 when no finding is a problem, 1 otherwise.
 */
import { ImdsdError } from '../../errors.js';
import type { DoctorDeps } from '../doctor/deps.js';
import { realDoctorDeps } from '../doctor/real-deps.js';
import { formatHuman, formatJson, summarise } from '../doctor/report.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { CLIENT_EXIT, CONTROL_SOCKET_OPTION, parseCommandArgs, socketFor, type CommandContext } from './context.js';

const OPTIONS = {
  ...CONTROL_SOCKET_OPTION,
  role: { type: 'string' },
  json: { type: 'boolean' },
  'check-env-credentials': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const DOCTOR_USAGE = `Usage: imdsd doctor [--role NAME] [--json] [--check-env-credentials] [--control-socket PATH]

Checks why AWS tools in this shell do or do not get their credentials from imdsd: the
daemon and its IMDS endpoint, the shell's AWS variables, ~/.aws files and caches,
proxies, the clock and the port. Prints each finding with a one-line fix.

  --role NAME               look at this role (default: the one the endpoint reaches)
  --json                    {"findings": [...], "problems": n, "warnings": n}
  --check-env-credentials   ask STS (GetCallerIdentity) whether exported keys still work
  --control-socket PATH     the daemon's control socket

Exit codes: 0 no problem found, 1 at least one problem, 78 bad flags.
`;

/**
 * @param overrides replaces some of the real inputs; tests use it to fake a daemon or a clock.
 */
export async function doctorCommand(argv: string[], ctx: CommandContext, overrides: Partial<DoctorDeps> = {}): Promise<number> {
  const { values, positionals } = parseCommandArgs('doctor', argv, OPTIONS);
  if (values.help === true) {
    ctx.out(DOCTOR_USAGE);
    return CLIENT_EXIT.OK;
  }
  if (positionals.length > 0) {
    throw new ImdsdError('IMDSD_ERR_CONFIG', `imdsd doctor: unexpected argument ${positionals[0]}`, { hint: 'see `imdsd doctor --help`' });
  }
  const deps = { ...realDoctorDeps(ctx, socketFor(ctx, values['control-socket'])), ...overrides };
  const findings = await runDoctor(deps, { role: values.role, checkEnvCredentials: values['check-env-credentials'] === true });
  ctx.out(values.json === true ? formatJson(findings) : formatHuman(findings));
  return summarise(findings).problems === 0 ? CLIENT_EXIT.OK : CLIENT_EXIT.PROBLEM;
}
