/**
 * Issue 11: a missing real client skips on a developer's machine and fails in CI.
 */
import t from 'tap';
import { reportMissingTool, toolsRequired, type Reporter } from './support/required-tools.js';

function recorder(): Reporter & { calls: string[] } {
  const calls: string[] = [];
  return { calls, fail: (m) => { calls.push(`fail: ${m}`); }, skip: (m) => { calls.push(`skip: ${m}`); } };
}

t.test('IMDSD_REQUIRE_CLIENTS switches a missing tool from skip to failure', async (t) => {
  t.equal(toolsRequired({}), false, 'unset: not required');
  t.equal(toolsRequired({ IMDSD_REQUIRE_CLIENTS: '' }), false, 'empty: not required');
  t.equal(toolsRequired({ IMDSD_REQUIRE_CLIENTS: '0' }), false, '0: not required');
  t.equal(toolsRequired({ IMDSD_REQUIRE_CLIENTS: 'false' }), false, 'false: not required');
  t.equal(toolsRequired({ IMDSD_REQUIRE_CLIENTS: '1' }), true, '1: required');

  const dev = recorder();
  reportMissingTool(dev, 'aws-cli is not usable: apt-get install awscli', {});
  t.same(dev.calls, ['skip: skipped: aws-cli is not usable: apt-get install awscli'], 'a developer sees a skip naming the install command');

  const ci = recorder();
  reportMissingTool(ci, 'aws-cli is not usable: apt-get install awscli', { IMDSD_REQUIRE_CLIENTS: '1' });
  t.equal(ci.calls.length, 1, 'one report');
  t.match(ci.calls[0], /^fail: aws-cli is not usable: apt-get install awscli \(required/, 'CI sees a failure naming the install command');
});
