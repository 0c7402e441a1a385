/**
 * The local STS in a child process of its own, so that its SigV4 checks do not share
 * an event loop with what is measured. Knows DEFAULT_ROLE_ARN and `bench-1…N`
 * (N from argv), and answers each call after LATENCY ms (argv, default 30). Prints {"event":"listening","url":…}; on SIGTERM prints
 * {"event":"calls","count":…,"peakInFlight":…} and exits.
 */
import { DEFAULT_ROLE_ARN, startStsServer } from '../test/support/sts-server.js';
import { benchRoleArn } from './roles.js';

const count = Number(process.argv[2] ?? '0');
const roles: Record<string, Record<string, never>> = { [DEFAULT_ROLE_ARN]: {} };
for (let i = 1; i <= count; i += 1) roles[benchRoleArn(i)] = {};
const sts = await startStsServer({ roles });
// Real STS takes tens of milliseconds to answer; this local one answers at once, so calls
// would never overlap at it and a bound on them could not show. Each answer waits this long.
const latencyMs = Number(process.argv[3] ?? '30');
if (latencyMs > 0) sts.setFaultMode(() => ({ kind: 'delay', ms: latencyMs }));
process.stdout.write(`${JSON.stringify({ event: 'listening', url: sts.url })}\n`);
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ event: 'calls', count: sts.calls.length, ok: sts.calls.filter((c) => c.status === 200).length, peakInFlight: sts.peakInFlight() })}\n`);
  void sts.close().then(() => process.exit(0));
});
