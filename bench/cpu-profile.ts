/**
 * Summarises a V8 .cpuprofile (node --cpu-prof) into where the time went: by owner (the
 * nearest frame on the stack that belongs to a package or to imdsd itself, so that node
 * internals called by a package count for that package) and by hottest function.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  /** Sampled time, idle excluded, in ms. */
  readonly busyMs: number;
  readonly byOwner: ReadonlyArray<{ readonly owner: string; readonly ms: number; readonly pct: number }>;
  readonly topFunctions: ReadonlyArray<{ readonly fn: string; readonly ms: number; readonly pct: number }>;
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** The package a file belongs to (`@scope/name` or `name`), `imdsd` for our own, else undefined. */
export function ownerOf(url: string): string | undefined {
  const at = url.lastIndexOf('/node_modules/');
  if (at !== -1) {
    const [first = '', second = ''] = url.slice(at + '/node_modules/'.length).split('/');
    return first.startsWith('@') ? `${first}/${second}` : first;
  }
  const dist = url.indexOf('/dist/');
  if (dist !== -1 && url.startsWith('file://')) {
    const parts = url.slice(dist + '/dist/'.length).split('/');
    return `imdsd ${parts.slice(0, 2).join('/')}`;
  }
  return undefined;
}

/** Short display of a frame: `fn (file:line)`. */
function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  if (url === '') return functionName || '(anonymous)';
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, 'dist/');
  return `${functionName || '(anonymous)'} (${file}:${lineNumber + 1})`;
}

/** Only samples taken `fromMs`…`toMs` after the profile started (e.g. the load window). */
export interface ProfileWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

export function summariseProfile(profile: CpuProfile, window?: ProfileWindow, top = 12): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const ownerCache = new Map<number, string>();
  const owner = (id: number): string => {
    const cached = ownerCache.get(id);
    if (cached !== undefined) return cached;
    const node = byId.get(id);
    let result = 'node internals';
    if (node !== undefined && SPECIAL.has(node.callFrame.functionName)) {
      result = node.callFrame.functionName;
    } else {
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const found = ownerOf(byId.get(at)?.callFrame.url ?? '');
        if (found !== undefined) {
          result = found;
          break;
        }
      }
    }
    ownerCache.set(id, result);
    return result;
  };

  const ownerUs = new Map<string, number>();
  const selfUs = new Map<number, number>();
  let busyUs = 0;
  let atUs = 0;
  profile.samples.forEach((id, i) => {
    atUs += profile.timeDeltas[i] ?? 0;
    if (window !== undefined && (atUs < window.fromMs * 1000 || atUs > window.toMs * 1000)) return;
    // timeDeltas[i + 1] is the time from this sample to the next one.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const who = owner(id);
    if (who === '(idle)') return;
    busyUs += us;
    ownerUs.set(who, (ownerUs.get(who) ?? 0) + us);
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  });
  const pct = (us: number): number => (busyUs === 0 ? 0 : round((us / busyUs) * 100, 1));
  const fnUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const name = frameName(node);
    fnUs.set(name, (fnUs.get(name) ?? 0) + us);
  }
  const ranked = <K>(entries: Map<K, number>) => [...entries].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    busyMs: round(busyUs / 1000, 1),
    byOwner: ranked(ownerUs).map(([name, us]) => ({ owner: name, ms: round(us / 1000, 1), pct: pct(us) })),
    topFunctions: ranked(fnUs).map(([fn, us]) => ({ fn, ms: round(us / 1000, 1), pct: pct(us) })),
  };
}

/** Reads the one .cpuprofile node wrote into `dir`. */
export function readProfile(dir: string): CpuProfile {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`);
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
}
