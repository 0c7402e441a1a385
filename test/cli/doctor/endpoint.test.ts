import t from 'tap';
import { localEndpoint, parseEndpoint } from '../../../src/cli/doctor/endpoint.js';

t.test('the endpoint variable as the SDKs read it', async (t) => {
  const parsed = parseEndpoint('http://localhost:1339/');
  t.equal(typeof parsed === 'object' ? parsed.port : parsed, 1339, 'the port');
  const noPort = parseEndpoint('http://127.0.0.1');
  t.equal(typeof noPort === 'object' ? noPort.port : noPort, 80, 'no port means 80');
  t.equal(parseEndpoint('localhost:1338'), 'localhost:1338 is not an http:// URL (imdsd serves plain http on loopback)', 'no scheme parses as scheme "localhost:"');
  t.equal(parseEndpoint('https://localhost:1338/'), 'https://localhost:1338/ is not an http:// URL (imdsd serves plain http on loopback)', 'https');
  t.equal(parseEndpoint('::nonsense'), '::nonsense is not a URL', 'not a URL');
  t.equal(localEndpoint(1338).href, 'http://localhost:1338/', 'what imdsd env prints');
});
