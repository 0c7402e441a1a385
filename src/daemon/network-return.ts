/**
 * An offline laptop is retried quietly; this notices the network coming back and
 * refreshes the roles that failed for want of it at once, instead of at their next
 * backed-off retry (issue 13). It asks only while some role is offline.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import { CONTROL_HOST, type ResolveProbe } from '../refresher/network.js';
import type { Refresher } from '../refresher/refresher.js';

export interface NetworkReturnOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly probe: ResolveProbe;
  readonly roles: () => ReadonlyArray<{ readonly refresher: Pick<Refresher, 'status' | 'refreshNow'> }>;
  /** How often to ask while offline (ms). */
  readonly intervalMs?: number;
}

export function watchNetworkReturn(options: NetworkReturnOptions): { stop(): void } {
  const intervalMs = options.intervalMs ?? 5_000;
  let cancel: (() => void) | undefined;
  let stopped = false;

  async function look(): Promise<void> {
    const offline = options.roles().filter(({ refresher }) => refresher.status().lastError?.code === 'IMDSD_ERR_OFFLINE');
    if (offline.length > 0 && await options.probe(CONTROL_HOST)) {
      options.logger.info({ event: 'network-returned', roles: offline.length }, 'the network is back: refreshing now');
      await Promise.all(offline.map(({ refresher }) => refresher.refreshNow()));
    }
  }

  function arm(): void {
    if (stopped) return;
    cancel = options.clock.setTimer(() => void look().finally(arm), intervalMs);
  }

  arm();
  return {
    stop: () => {
      stopped = true;
      cancel?.();
    },
  };
}
