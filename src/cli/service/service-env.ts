/**
 * The environment a service starts with is not the installing shell's: launchd gives an
 * agent a bare PATH and no AWS_* variables, and a systemd unit sees only its manager's.
 * The variables that decide which credentials imdsd gets are copied when they are set,
 * so the service behaves as `imdsd run` did in this shell. Secrets are never copied.
 */
import { delimiter, isAbsolute, resolve } from 'node:path';

/** Copied when set: which profile and files, which endpoint, which proxy, which CAs. */
const COPIED = [
  'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_SSO', 'AWS_ENDPOINT_URL_SSO_OIDC', 'NODE_EXTRA_CA_CERTS',
  'HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy',
] as const;

/** File paths: the service runs from another directory, so relative ones are resolved now. */
const PATHS = new Set<string>(['AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'NODE_EXTRA_CA_CERTS']);

/** Short-lived or secret; a service definition is a world-readable file. */
const SECRETS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

/** Where launchd and systemd look when the shell's PATH is unknown. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin';

export interface ServiceEnvironment {
  readonly env: Array<readonly [string, string]>;
  /** Things the user should know, one line each. */
  readonly warnings: string[];
}

/** A proxy URL with a user name or password in it. */
function hasUserInfo(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(value);
}

/**
 * PATH (absolute entries once each: credential_process helpers are found through it), HOME
 * unless systemd sets it from User=, then the copied variables.
 */
export function serviceEnvironment(env: NodeJS.ProcessEnv, cwd: string, home: string | undefined): ServiceEnvironment {
  const path = [...new Set((env.PATH ?? '').split(delimiter).filter((entry) => isAbsolute(entry)))].join(delimiter);
  const out: Array<readonly [string, string]> = [['PATH', path === '' ? FALLBACK_PATH : path]];
  if (home !== undefined) out.push(['HOME', home]);
  const warnings: string[] = [];
  for (const name of COPIED) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (hasUserInfo(value)) {
      warnings.push(`${name} is not copied into the service definition because it holds a password; add it to the definition by hand and keep the file private`);
      continue;
    }
    out.push([name, PATHS.has(name) && !isAbsolute(value) ? resolve(cwd, value) : value]);
  }
  const secrets = SECRETS.filter((name) => env[name] !== undefined && env[name] !== '');
  if (secrets.length > 0) {
    warnings.push(`${secrets.join(', ')} ${secrets.length === 1 ? 'is' : 'are'} set in this shell but not copied into the service; it finds its source credentials through ~/.aws (profiles, SSO, credential_process)`);
  }
  return { env: out, warnings };
}
