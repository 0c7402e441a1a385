/**
 * `service-program` (issue 19): an installed unit whose ExecStart program or CLI no longer
 * exists, as after `npm install -g` of a version that moved the CLI under a unit written by
 * an earlier one. The fix is the one install command that rewrites it, with its own flags.
 */
import { shellWord } from '../shell-quote.js';
import type { Situation } from './situation.js';
import { ok, problem, runGuarded, type Finding } from './finding.js';

export const UNIT_ID = 'service-program';

interface Unit { readonly path: string; readonly install: string }

function unitsOf(s: Situation): Unit[] {
  const { env, home } = s.deps;
  if (s.deps.platform === 'darwin') return [{ path: `${home}/Library/LaunchAgents/dev.imdsd.agent.plist`, install: 'imdsd install' }];
  const config = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== '' ? env.XDG_CONFIG_HOME : `${home}/.config`;
  return [
    { path: `${config}/systemd/user/imdsd.service`, install: 'imdsd install' },
    { path: '/etc/systemd/system/imdsd.service', install: 'sudo imdsd install --system' },
    { path: '/etc/systemd/system/imdsd-link-local.service', install: 'sudo imdsd install' },
  ];
}

/** ExecStart='s words: each quoted by imdsd install ("…" with \\ escapes), or bare. */
export function execStartWords(unit: string): string[] {
  const line = /^ExecStart=(.*)$/m.exec(unit)?.[1] ?? '';
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] === undefined ? m[2] ?? '' : m[1].replace(/\\(.)/g, '$1'));
}

/** ProgramArguments of a plist, XML-unescaped. */
export function plistWords(plist: string): string[] {
  const array = /<key>ProgramArguments<\/key>\s*<array>([\s\S]*?)<\/array>/.exec(plist)?.[1] ?? '';
  const unescape = (v: string) => v.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  return [...array.matchAll(/<string>([\s\S]*?)<\/string>/g)].map((m) => unescape(m[1] ?? ''));
}

async function checkUnit(s: Situation, unit: Unit, text: string): Promise<Finding | undefined> {
  const words = unit.path.endsWith('.plist') ? plistWords(text) : execStartWords(text);
  const missing: string[] = [];
  for (const path of words.slice(0, 2)) if (await s.deps.files.mode(path) === undefined) missing.push(path);
  if (missing.length === 0) return undefined;
  const user = /^User=(.*)$/m.exec(text)?.[1];
  const args = words.slice(words.indexOf('run') + 1).map(shellWord).join(' ');
  const fix = `${unit.install}${user === undefined || user === '' ? '' : ` --user ${user}`}${args === '' ? '' : ` ${args}`}`;
  return problem(UNIT_ID, `${unit.path} runs ${missing.join(' and ')}, which no longer exists, so the service cannot start`, {
    detail: 'an upgrade moved the CLI under a unit written by an earlier version', fix,
  });
}

export async function unitChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([[UNIT_ID, 'the installed service units', async () => {
    const found: Finding[] = [];
    let any = false;
    for (const unit of unitsOf(s)) {
      const text = await s.deps.files.readText(unit.path);
      if (text === undefined) continue;
      any = true;
      const finding = await checkUnit(s, unit, text);
      if (finding !== undefined) found.push(finding);
    }
    return found.length > 0 || !any ? found : [ok(UNIT_ID, 'the installed service runs programs that exist')];
  }]]);
}
