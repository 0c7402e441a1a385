import t from 'tap';
import { daemonSettings, freeze, type DaemonConfig, type RoleSpec } from '../../../src/config/config.js';
import { endpointAdvice, printError } from '../../../src/cli/service/report.js';
import { fakeServiceIo } from '../../support/fake-service-io.js';

const config = (roles: RoleSpec[]): DaemonConfig => freeze({ roles, ...daemonSettings({}, {}), origin: { kind: 'flags' } });

t.test('errors use the CLI format', async (t) => {
  const io = fakeServiceIo();
  printError(io, 'it failed', 'do this');
  printError(io, 'no hint');
  t.equal(io.err, 'imdsd: it failed (fix: do this)\nimdsd: no hint\n', 'imdsd: message (fix: hint)');
});

t.test('the export line names the first role\'s port and a host a client can reach', async (t) => {
  const line = (roles: RoleSpec[]): string => endpointAdvice(config(roles));
  t.match(line([{ profile: 'dev' }]), /\n  export AWS_EC2_METADATA_SERVICE_ENDPOINT=http:\/\/localhost:1338\/\n$/, 'default port 1338');
  t.match(line([{ profile: 'a', port: 1400 }, { profile: 'b', port: 1401 }]), /=http:\/\/localhost:1400\/\n$/, 'the first role');
  t.match(line([{ profile: 'a', host: '0.0.0.0' }]), /=http:\/\/localhost:1338\//, 'a wildcard host is reached on localhost');
  t.match(line([{ profile: 'a', host: '::' }]), /=http:\/\/localhost:1338\//, 'the IPv6 wildcard too');
  t.match(line([{ profile: 'a', host: 'localhost' }]), /=http:\/\/localhost:1338\//, 'localhost');
  t.match(line([{ profile: 'a', host: '10.1.2.3' }]), /=http:\/\/10\.1\.2\.3:1338\//, 'a specific address');
  t.match(line([{ profile: 'a', host: '::1' }]), /=http:\/\/\[::1\]:1338\//, 'IPv6 in brackets');
  t.match(line([{ profile: 'a', port: 0 }]), /picks a free port at every start/, 'port 0 has no fixed endpoint');
  t.match(line([]), /:1338\//, 'no roles at all still gives the default');
});
