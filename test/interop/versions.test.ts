/**
 * Issue 3: which real clients the interop suite ran against. Writes the versions table
 * to the TAP stream (it shows up in CI logs) and fails, saying what to install, for any
 * client that is not on this machine.
 */
import t from 'tap';
import { CLIENT_NAMES, locateClient, versionsTable } from '../support/interop-clients.js';

t.test('every interop client is installed, and its version is logged', async (t) => {
  const clients = await Promise.all(CLIENT_NAMES.map((name) => locateClient(name)));
  t.comment(`interop clients:\n${versionsTable(clients)}`);
  for (const client of clients) {
    t.equal(client.problem, undefined, client.problem ?? `${client.name}: ${client.version ?? ''}`);
    t.ok(client.version, `${client.name} reports a version`);
  }
});
