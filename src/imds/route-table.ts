/**
 * Every path this emulator answers, keyed by its canonical spelling (see
 * normalise-path.ts). One app serves one role, so even the role's own credential path is
 * a fixed key and a request is routed by a single Map lookup. Directory listings follow
 * real IMDS: one entry a line, sub-directories with a trailing slash, no final newline.
 */
import { containerCredentialsPath } from '../contract/control-api.js';
import type { RoleIdentity } from '../credentials.js';
import { type Answer, text } from './answers.js';
import type { InstanceDescription } from './instance-identity.js';

/** An answer computed per request: at once, or after a wait (a credential being fetched). */
export type ComputedAnswer = () => Answer | Promise<Answer>;
/** A metadata path's answer: fixed at start-up, or computed per request. */
export type MetadataAnswer = Answer | ComputedAnswer;

export type Route =
  | { readonly kind: 'token' }
  | { readonly kind: 'metadata'; readonly answer: MetadataAnswer }
  /** The ECS container-credentials endpoint: authorised by its own token, not IMDSv2's. */
  | { readonly kind: 'container'; readonly answer: ComputedAnswer };

export type RouteTable = ReadonlyMap<string, Route>;

export interface RouteTableDeps {
  readonly identity: RoleIdentity;
  /** The instance as it stands: its account may be learned after start-up. */
  readonly instance: () => InstanceDescription;
  readonly legacyCredential: ComputedAnswer;
  readonly extendedCredential: ComputedAnswer;
  /** Present when the ECS endpoint is enabled. */
  readonly containerCredential?: ComputedAnswer | undefined;
}

/** The canonical token path; GETs never reach it. */
export const TOKEN_PATH = '/latest/api/token';
const META = '/latest/meta-data';
const CREDENTIALS = `${META}/iam/security-credentials`;
const EXTENDED_CREDENTIALS = `${META}/iam/security-credentials-extended`;

function listing(...entries: string[]): Answer {
  return text(entries.join('\n'));
}

/** An answer that follows `read`, rebuilt only when the body it reads changes. */
function following(read: () => string): ComputedAnswer {
  let last = text(read());
  return () => {
    const body = read();
    if (body !== last.body) last = text(body);
    return last;
  };
}

export function buildRouteTable(deps: RouteTableDeps): RouteTable {
  const { identity } = deps;
  // Ids, type and zone never change; the account in the two documents may.
  const instance = deps.instance();
  const answers: Array<[string, MetadataAnswer]> = [
    ['/', listing('latest')],
    ['/latest', listing('dynamic', 'meta-data')],
    [META, listing('ami-id', 'iam/', 'instance-id', 'instance-type', 'placement/')],
    [`${META}/ami-id`, text(instance.imageId)],
    [`${META}/instance-id`, text(instance.instanceId)],
    [`${META}/instance-type`, text(instance.instanceType)],
    [`${META}/iam`, listing('info', 'security-credentials/')],
    [`${META}/iam/info`, following(() => deps.instance().iamInfo)],
    // botocore takes this whole body as the role name: exactly the name, no newline.
    [CREDENTIALS, text(identity.roleName)],
    [`${CREDENTIALS}/${identity.roleName}`, deps.legacyCredential],
    [EXTENDED_CREDENTIALS, text(identity.roleName)],
    [`${EXTENDED_CREDENTIALS}/${identity.roleName}`, deps.extendedCredential],
    [`${META}/placement`, listing('availability-zone', 'region')],
    // The AWS CLI finds its region by dropping the zone's last letter.
    [`${META}/placement/availability-zone`, text(instance.availabilityZone)],
    [`${META}/placement/region`, text(identity.region)],
    ['/latest/dynamic', listing('instance-identity/')],
    ['/latest/dynamic/instance-identity', listing('document')],
    ['/latest/dynamic/instance-identity/document', following(() => deps.instance().identityDocument)],
  ];
  const routes = new Map<string, Route>(answers.map(([path, answer]) => [path, { kind: 'metadata', answer }]));
  routes.set(TOKEN_PATH, { kind: 'token' });
  if (deps.containerCredential !== undefined) {
    routes.set(containerCredentialsPath(identity.roleName), { kind: 'container', answer: deps.containerCredential });
  }
  return routes;
}
