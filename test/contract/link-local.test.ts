import t from 'tap';
import { isLinkLocalAddress, LINK_LOCAL_HOSTS, LINK_LOCAL_URL } from '../../src/contract/link-local.js';

t.test('the two EC2 metadata addresses, however a socket or a URL spells them (issue 14)', async (t) => {
  t.same(LINK_LOCAL_HOSTS, ['169.254.169.254', 'fd00:ec2::254'], 'IPv4 and IPv6, as Host names are compared');
  t.equal(LINK_LOCAL_URL, 'http://169.254.169.254/', 'the URL every SDK calls by default');
  for (const address of ['169.254.169.254', '::ffff:169.254.169.254', 'fd00:ec2::254', '[FD00:EC2::254]']) {
    t.ok(isLinkLocalAddress(address), `${address} is one`);
  }
  for (const address of ['127.0.0.1', '169.254.169.253', '::1', 'fd00:ec2::25', '169.254.170.2']) {
    t.notOk(isLinkLocalAddress(address), `${address} is not`);
  }
});
