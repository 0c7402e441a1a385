/** `imdsd run --help`: the daemon's flags, shown by `run` and referred to by `install`. */
export const RUN_USAGE = `Usage: imdsd run [--profile NAME | --role-arn ARN | --config FILE] [options]

Source of the role (one of):
  --profile NAME          a profile of ~/.aws/config with role_arn and source_profile or
                          credential_source (default: $AWS_PROFILE, else "default")
  --role-arn ARN          assume ARN with source credentials from the default chain
                          (environment, AWS_PROFILE, SSO, credential_process, ...)
  --config FILE           several roles, each on its own port (JSON; schema/config.schema.json)

Options:
  --role-name NAME        name served under iam/security-credentials/ (default: from the ARN)
  --port N                IMDS port (default 1338; 0 picks a free one)
  --host H                listen address (default: loopback, both 127.0.0.1 and ::1)
  --region R              STS region (default: AWS_REGION, the profile's, else us-east-1)
  --duration SECONDS      AssumeRole DurationSeconds, 900-43200 (default: STS's, 3600)
  --refresh-before SECS   refresh when this much lifetime is left
                          (default: half the lifetime, at least 30 minutes before expiry)
  --session-name NAME     RoleSessionName (default imdsd-<user>)
  --external-id ID        ExternalId for the trust policy
  --imds-v1               also answer token-less IMDSv1 GETs (default: IMDSv2 required)
  --tick SECONDS          periodic check interval (default 30)
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent (default info)

The STS endpoint follows the SDK: AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, endpoint_url.
Exit codes: 0 clean shutdown, 78 configuration error, 69 port in use, 1 other failure.
Signals: SIGTERM/SIGINT shut down gracefully; SIGHUP reloads the configuration.
`;
