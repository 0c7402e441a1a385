/**
 * `imdsd doctor [--role NAME] [--json] [--check-env-credentials] [--control-socket PATH]`:
 * why the SDKs in this shell do or do not get their credentials from imdsd. Looks at
 * the daemon, the IMDS endpoint, the shell's variables, the shared files, the caches,
 * proxies, the clock and the port, and prints each finding with its fix.
 * Exit 0 when no finding is a problem, 1 otherwise.
 */
import { EXIT } from '../../contract/exit-codes.js';
import type { DoctorDeps } from '../doctor/deps.js';
import { realDoctorDeps } from '../doctor/real-deps.js';
import { formatHuman, formatJson, summarise } from '../doctor/report.js';
import { runDoctor } from '../doctor/run-doctor.js';
import { parseCommand } from '../parse-command.js';
import { socketFor, type CommandContext } from './context.js';

/**
 * @param overrides replaces some of the real inputs; tests use it to fake a daemon or a clock.
 */
export async function doctorCommand(argv: string[], ctx: CommandContext, overrides: Partial<DoctorDeps> = {}): Promise<number> {
  const { values } = parseCommand('doctor', argv);
  const deps = { ...realDoctorDeps(ctx, socketFor(ctx, values['control-socket'])), ...overrides };
  const findings = await runDoctor(deps, { role: values.role, checkEnvCredentials: values['check-env-credentials'] === true });
  ctx.out(values.json === true ? formatJson(findings) : formatHuman(findings));
  return summarise(findings).problems === 0 ? EXIT.OK : EXIT.FAILURE;
}
