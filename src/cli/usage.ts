/** The top-level help text, kept apart so the CLI reads as control flow. */
import { DEFAULT_IMDS_PORT } from '../contract/paths.js';

export const USAGE = `Usage: imdsd <command> [options]

Keeps AWS assumed-role credentials fresh and serves them as a local EC2 instance
metadata service, for every AWS SDK and the AWS CLI.

Commands:
  run                  run the daemon in the foreground (see imdsd run --help)
  install              install and start it as a launchd/systemd service (imdsd install --help)
  uninstall            stop and remove the service
  status               show each role: expiry, last and next refresh, errors (--json, --watch)
  refresh              force a refresh now (--role NAME)
  env                  print the shell exports (--shell, --ecs) for eval "$(imdsd env)"
  credential-process   print credential_process JSON (--role NAME) for ~/.aws/config
  mfa CODE             start the MFA session of a role whose profile has mfa_serial
  doctor               find why AWS tools in this shell do or do not get imdsd's credentials
  version              print the version

Then, in the shell that runs AWS tools:
  export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://localhost:${DEFAULT_IMDS_PORT}/
`;
