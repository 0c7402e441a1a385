/**
 * A small seeded random generator (mulberry32) for the security fuzz: the same seed
 * replays the same requests, so a failure found once can be reproduced with
 * IMDSD_FUZZ_SEED=<seed>.
 */
import { randomInt } from 'node:crypto';
import { seededRandom } from './seeded-random.js';

export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by weight: [[weight, value], ...]. */
  weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T;
  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string;
  bytes(length: number): Buffer;
}

/** The seed from IMDSD_FUZZ_SEED when set (decimal), else a fresh random one. */
export function fuzzSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.IMDSD_FUZZ_SEED;
  if (given !== undefined && /^\d+$/.test(given)) return Number(given) >>> 0;
  return randomInt(0, 2 ** 32 - 1);
}

export function createRng(seed: number): Rng {
  const next = seededRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[int(0, items.length - 1)] as T;
  };
  return {
    seed,
    next,
    int,
    chance: (p) => next() < p,
    pick,
    weighted<T>(choices: ReadonlyArray<readonly [number, T]>): T {
      const total = choices.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, value] of choices) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return (choices[choices.length - 1] as readonly [number, T])[1];
    },
    string: (alphabet, length) => Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join(''),
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(0, 255))),
  };
}
