"""A real boto3/botocore client for the interop suite, run as /usr/bin/python3 (Debian's
python3-boto3) in the environment the test gives it.

It makes a default Session, reads the credential through botocore's default chain and
prints how it was found (`iam-role` for IMDS, `container-role` for the ECS endpoint,
`custom-process` for credential_process), then calls GetCallerIdentity at the local STS.
Debian's botocore 1.29 predates AWS_ENDPOINT_URL_STS, so the endpoint is passed as
`endpoint_url`. Prints one JSON line: {ok, method, accessKeyId, expiration, arn, error}.
"""
import json
import os
import sys
from datetime import timezone

import boto3
import botocore


def expiration_of(credentials):
    expiry = getattr(credentials, '_expiry_time', None)
    if expiry is None:
        return None
    return expiry.astimezone(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def main():
    out = {'ok': False, 'boto3': boto3.__version__, 'botocore': botocore.__version__}
    try:
        session = boto3.Session()
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError('botocore found no credentials')
        frozen = credentials.get_frozen_credentials()
        out['method'] = credentials.method
        out['accessKeyId'] = frozen.access_key
        out['expiration'] = expiration_of(credentials)
        out['region'] = session.region_name
        sts = session.client('sts', endpoint_url=os.environ['AWS_ENDPOINT_URL_STS'],
                             region_name=session.region_name or 'us-east-1')
        identity = sts.get_caller_identity()
        out.update(ok=True, arn=identity['Arn'], account=identity['Account'])
    except Exception as error:  # every failure becomes the JSON line the test reads
        out['error'] = '%s: %s' % (type(error).__name__, error)
    print(json.dumps(out))
    return 0 if out['ok'] else 1


if __name__ == '__main__':
    sys.exit(main())
