/**
 * Issue 3: which real clients the interop suite ran against. Writes the versions table
 * to the TAP stream (it shows up in CI logs). A client that is not on this machine is
 * skipped, saying what installs it, or fails the run under IMDSD_REQUIRE_CLIENTS (CI).
 */
import t from 'tap';
import { CLIENT_NAMES, locateClient, versionsTable } from '../support/interop-clients.js';
import { reportMissingTool } from '../support/required-tools.js';

t.test('every interop client is installed (or skipped where not required), and its version is logged', async (t) => {
  const clients = await Promise.all(CLIENT_NAMES.map((name) => locateClient(name)));
  t.comment(`interop clients:\n${versionsTable(clients)}`);
  for (const client of clients) {
    if (client.problem !== undefined) {
      reportMissingTool(t, client.problem);
      continue;
    }
    t.ok(client.version, `${client.name} reports a version: ${client.version ?? ''}`);
  }
});
