# A real AWS SDK for Ruby client (Debian's ruby-aws-sdk-core, which carries Aws::STS),
# run by test/integration/link-local.test.ts: an STS client with no credentials given
# takes them from the SDK's default chain, which ends in Aws::InstanceProfileCredentials
# (IMDS at 169.254.169.254, port 80, when nothing else is configured). It calls
# GetCallerIdentity at the STS URL given as its only argument.
# Prints one JSON line: {ok, arn, accessKeyId, provider, version, error}.
require 'json'
require 'aws-sdk-core'

out = { ok: false, version: Aws::CORE_GEM_VERSION }
begin
  sts = Aws::STS::Client.new(region: 'us-east-1', endpoint: ARGV.fetch(0))
  provider = sts.config.credentials
  raise 'the default chain found no credentials' if provider.nil?
  out[:provider] = provider.class.name
  out[:accessKeyId] = provider.credentials.access_key_id
  identity = sts.get_caller_identity
  out.update(ok: true, arn: identity.arn)
rescue StandardError => e
  out[:error] = "#{e.class}: #{e.message}"
end
puts JSON.generate(out)
exit(out[:ok] ? 0 : 1)
