/**
 * The settings a config file (or `imdsd run`'s flags) may give, derived from the one table
 * that writes each of them down, RUN_OPTIONS: their TypeScript types, and the JSON Schema
 * that checks them, which is also published as schema/config.schema.json (the build writes
 * it, a test fails when the committed copy differs). A setting added to the table is in the
 * types, the schema, the validator and `imdsd run` with nothing else to edit.
 */
import { RUN_OPTIONS, type RunOption, type RunOptionName, type SettingSchema } from './run-options.js';

type Options = typeof RUN_OPTIONS;

/** The TypeScript type of a value its JSON Schema admits (a numeric enum stays `number`). */
type ValueOf<S> = S extends { readonly enum: readonly (infer E)[] } ? (E extends string ? E : number)
  : S extends { readonly type: 'integer' } ? number
    : S extends { readonly type: 'string' } ? string
      : S extends { readonly type: 'boolean' } ? boolean
        : S extends { readonly type: 'array'; readonly items: infer I } ? readonly ValueOf<I>[]
          : never;

/** The settings of the given scopes, each optional, keyed by their config field. */
type SettingsOf<Scope extends RunOption['scope']> = {
  readonly [K in keyof Options as Options[K] extends { readonly field: infer F extends string; readonly scope: Scope } ? F : never]?:
  Options[K] extends { readonly schema: infer S } ? ValueOf<S> : never;
};

/** One role's settings: what picks its credential (`source`) and how it is served (`role`). */
export type RoleSpec = SettingsOf<'source' | 'role'>;

/** The daemon-level settings a file or flags may give; flags win. */
export type DaemonSettings = SettingsOf<'daemon'>;

export type LogLevel = NonNullable<DaemonSettings['logLevel']>;

/** Where a setting goes: in each role of a config file, or at its top level. */
export type SettingScope = 'role' | 'daemon';

const NAMES = Object.keys(RUN_OPTIONS) as RunOptionName[];

/** The options that are settings of a scope, in table order: [flag, field, schema]. */
export function settingsOf(scope: SettingScope): Array<readonly [RunOptionName, string, SettingSchema]> {
  return NAMES.flatMap((name) => {
    const option: RunOption = RUN_OPTIONS[name];
    const inScope = scope === 'daemon' ? option.scope === 'daemon' : option.scope !== 'daemon';
    return option.field === undefined || !inScope ? [] : [[name, option.field, option.schema] as const];
  });
}

/**
 * The order the top-level properties were first published in: ajv reports problems in the
 * schema's property order, so keeping it keeps multi-problem messages as they were. A new
 * daemon setting need not be listed; it follows these.
 */
const PUBLISHED_TOP_LEVEL_ORDER = ['$schema', 'logLevel', 'tickSec', 'roles', 'expiryWarningSec', 'onExpiryWarning', 'ssoWarningSec', 'desktopNotify'];

function inPublishedOrder(properties: Record<string, unknown>): Record<string, unknown> {
  const rank = (key: string) => {
    const index = PUBLISHED_TOP_LEVEL_ORDER.indexOf(key);
    return index === -1 ? PUBLISHED_TOP_LEVEL_ORDER.length : index;
  };
  return Object.fromEntries(Object.entries(properties).sort(([a], [b]) => rank(a) - rank(b)));
}

const fieldsOf = (scope: SettingScope) => Object.fromEntries(settingsOf(scope).map(([, field, schema]) => [field, schema]));

/** The config file's JSON Schema (draft-07), as published in schema/config.schema.json. */
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://github.com/imdsd/imdsd/schema/config.schema.json',
  title: 'imdsd configuration',
  description: 'Roles that imdsd keeps fresh and serves, each on its own IMDS port. Pass with `imdsd run --config FILE`.',
  type: 'object',
  additionalProperties: false,
  required: ['roles'],
  properties: inPublishedOrder({
    $schema: { type: 'string' },
    roles: { type: 'array', minItems: 1, items: { $ref: '#/definitions/role' } },
    ...fieldsOf('daemon'),
  }),
  definitions: {
    role: { type: 'object', additionalProperties: false, properties: fieldsOf('role') },
  },
} as const;
