/** The SSO part of the shared config that the profile tests read (issue 13). */

/** `[sso-session corp]` and a legacy-form profile `legacy` (role ReadOnly). */
export const SSO_SESSION_AND_LEGACY = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1

[profile legacy]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-1
sso_account_id = 222233334444
sso_role_name = ReadOnly
`;
