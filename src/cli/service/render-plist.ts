/**
 * The launchd LaunchAgent for a spec. Every value is XML-escaped, so a role name or a path
 * with `&`, `<` or quotes stays one `<string>` and the plist stays well-formed.
 */
import { xmlEscape } from './escape.js';
import { LAUNCHD_LABEL } from './locations.js';
import type { ServiceSpec } from './service-spec.js';
import { fillTemplate } from './template.js';

const INDENT = '    ';

function string(value: string): string {
  return `${INDENT}<string>${xmlEscape(value)}</string>`;
}

/** Fills `launchd/imdsd.plist.template`. */
export function renderPlist(template: string, spec: ServiceSpec): string {
  return fillTemplate(template, {
    LABEL: xmlEscape(LAUNCHD_LABEL),
    PROGRAM_ARGUMENTS: spec.program.map(string).join('\n'),
    ENVIRONMENT: spec.env.map(([name, value]) => `${INDENT}<key>${xmlEscape(name)}</key>\n${string(value)}`).join('\n'),
    HOME: xmlEscape(spec.home),
    LOG_DIR: xmlEscape(spec.logDir),
  });
}
