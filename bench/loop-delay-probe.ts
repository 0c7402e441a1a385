/**
 * Preloaded into a measured daemon (`node --import loop-delay-probe.js …`): records its
 * event-loop delay with perf_hooks.monitorEventLoopDelay, and on SIGUSR2 writes the
 * percentiles since the last SIGUSR2 to stderr as one JSON line, then starts afresh.
 * Measurement only: the product does not carry it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

const histogram = monitorEventLoopDelay({ resolution: 10 });
histogram.enable();
process.on('SIGUSR2', () => {
  process.stderr.write(`${JSON.stringify({
    event: 'loop-delay', p50Ms: histogram.percentile(50) / 1e6, p99Ms: histogram.percentile(99) / 1e6, maxMs: histogram.max / 1e6,
  })}\n`);
  histogram.reset();
});
