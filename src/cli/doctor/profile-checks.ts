/**
 * AWS_PROFILE / AWS_DEFAULT_PROFILE: the profile they select wins over IMDS when it
 * holds credentials of its own, and a profile that does not exist stops the AWS CLI.
 */
import { sharedFilePaths } from '../../system/aws-files.js';
import { classifyProfile } from '../../profiles/classify.js';
import { activeProfile, KIND_LABEL, profileSections } from './aws-profile.js';
import { ok, problem, warning, type Finding } from './finding.js';
import type { Situation } from './situation.js';

const ID = 'env-profile';

export async function profileVariableChecks(s: Situation): Promise<Finding[]> {
  const { name, variable } = activeProfile(s.deps.env);
  if (variable === undefined) return [];
  const fix = `unset ${variable}`;
  const named = `${variable}=${name}`;
  const sections = profileSections(await s.sharedFiles(), name);
  if (sections.length === 0) {
    const paths = sharedFilePaths(s.deps.env, s.deps.home);
    return [problem(ID, `${named} names a profile that is in neither ${paths.config} nor ${paths.credentials}: the AWS CLI stops with "profile could not be found"`, { fix })];
  }
  const kinds = [...new Set(sections.flatMap((section) => classifyProfile(section.settings).settings.map((setting) => setting.kind)))];
  const winning = kinds.filter((kind) => kind !== 'role-over-imds');
  if (winning.length > 0) {
    return [problem(ID, `${named} selects a profile with ${winning.map((kind) => KIND_LABEL[kind]).join(', ')}: the SDKs use it instead of IMDS`, { fix })];
  }
  if (kinds.length > 0) {
    return [warning(ID, `${named} selects a profile that assumes another role with imdsd's credential as its source (credential_source = Ec2InstanceMetadata)`, {
      fix, detail: 'fine if intended; unset it if the SDKs should use imdsd\'s role itself',
    })];
  }
  return [ok(ID, `${named} selects a profile without credentials of its own: IMDS still applies`)];
}
