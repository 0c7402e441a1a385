/**
 * The shared config and credentials files: settings of the active profile that the
 * default chain uses before IMDS, and credential files other users can read.
 */
import { classifyProfile, type CredentialKind } from '../../profiles/classify.js';
import { activeProfile, KIND_LABEL, profileSections, type SharedFiles } from './aws-profile.js';
import { ok, problem, runGuarded, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

const KIND_ID: Readonly<Record<CredentialKind, string>> = {
  'static-keys': 'shared-static-keys',
  'credential-process': 'shared-credential-process',
  sso: 'shared-sso',
  'web-identity': 'shared-web-identity',
  'role-arn': 'shared-role-arn',
  'role-over-imds': 'shared-role-arn',
};

function profileSettings(s: Situation, files: SharedFiles): Finding[] {
  const { name } = activeProfile(s.deps.env);
  const found: Finding[] = [];
  for (const section of profileSections(files, name)) {
    for (const setting of classifyProfile(section.settings).settings) {
      const where = `[${section.header}] in ${section.file}`;
      const fix = `remove ${setting.keys.join(', ')} from ${where}`;
      found.push(setting.kind === 'role-over-imds'
        ? warning(KIND_ID[setting.kind], `${where} assumes ${section.settings.role_arn} with imdsd's credential as its source (credential_source = Ec2InstanceMetadata)`, {
          fix, detail: 'fine if intended: the SDKs call STS themselves for that role',
        })
        : problem(KIND_ID[setting.kind], `${where} holds ${KIND_LABEL[setting.kind]} (${setting.keys.join(', ')}): the default chain uses it before IMDS`, { fix }));
    }
  }
  if (found.length > 0) return found;
  return [ok('shared-profile', `profile ${name} holds no credentials that win over IMDS (${files.credentials.path}, ${files.config.path})`)];
}

function holdsSecret(file: SharedFiles['config']): boolean {
  return Object.values(file.sections ?? {}).some((section) => (section?.aws_secret_access_key ?? '') !== '');
}

async function fileModes(s: Situation, files: SharedFiles): Promise<Finding[]> {
  if (s.deps.platform === 'win32') return [];
  const checked = [
    ...(files.credentials.sections === undefined ? [] : [{ path: files.credentials.path, secret: holdsSecret(files.credentials) }]),
    ...(holdsSecret(files.config) ? [{ path: files.config.path, secret: true }] : []),
  ];
  const found: Finding[] = [];
  for (const { path, secret } of checked) {
    const mode = await s.deps.files.mode(path);
    if (mode === undefined) continue;
    const octal = mode.toString(8).padStart(3, '0');
    const fix = `chmod 600 ${path}`;
    const subject = `${path}${secret ? ' holds keys and' : ' is a credentials file:'}`;
    if ((mode & 0o006) !== 0) found.push(problem('shared-file-mode', `${subject} every user can ${mode & 0o004 ? 'read' : 'write'} it (mode ${octal})`, { fix }));
    else if ((mode & 0o060) !== 0) found.push(warning('shared-file-mode', `${subject} its group can ${mode & 0o040 ? 'read' : 'write'} it (mode ${octal})`, { fix }));
    else found.push(ok('shared-file-mode', `${path} is private to its owner (mode ${octal})`));
  }
  return found;
}

export async function sharedFileChecks(s: Situation): Promise<Finding[]> {
  return runGuarded([
    ['shared-profile', 'the shared config and credentials files', async () => profileSettings(s, await s.sharedFiles())],
    ['shared-file-mode', 'the modes of the credential files', async () => fileModes(s, await s.sharedFiles())],
  ]);
}
