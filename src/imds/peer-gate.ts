/**
 * Who is on the other end of a connection, asked once per connection: the daemon
 * supplies `admitPeer` (on Linux, the uid of the one socket that is the connection's
 * other end, src/daemon/peer-identity.ts), and a refused peer gets 403 for everything on
 * that connection. A connection's 4-tuple names one socket for the connection's life, so
 * one verdict holds for all its requests. Also logs each credential hand-out with the peer, once
 * per connection and credential, so a busy client does not flood the log.
 */
import type { ImdsLog } from './log.js';
import type { Socket } from 'node:net';
import type { ErrorCode } from '../errors.js';
import type { Answer } from './answers.js';

export interface PeerInfo {
  readonly address?: string | undefined;
  readonly uid?: number | undefined;
  readonly pid?: number | undefined;
  readonly command?: string | undefined;
}

export interface PeerVerdict {
  readonly admitted: boolean;
  /** Why a peer was refused, for the log. */
  readonly reason?: string | undefined;
  /** Set when the peer could not be identified (IMDSD_ERR_PEER_UNKNOWN): refused, never guessed. */
  readonly code?: ErrorCode | undefined;
  readonly peer: PeerInfo;
  /** The peer with its process (pid, command) where the platform tells; may be costly. */
  describe(): Promise<PeerInfo>;
}

export type AdmitPeer = (socket: Socket) => Promise<PeerVerdict>;

export interface PeerGate {
  /** The connection's verdict, or undefined when no gate is configured. */
  verdict(socket: Socket): Promise<PeerVerdict> | undefined;
  /** The verdict once it is known, without waiting for a promise (the hot path). */
  settled(socket: Socket): PeerVerdict | undefined;
  /** Logs a credential hand-out (answers that carry `credentialKeyId`). */
  handedOut(answer: Answer, socket: Socket, verdict: PeerVerdict | undefined): void;
}

export function createPeerGate(admitPeer: AdmitPeer | undefined, log: ImdsLog): PeerGate {
  const verdicts = new WeakMap<Socket, Promise<PeerVerdict>>();
  const known = new WeakMap<Socket, PeerVerdict>();
  const logged = new WeakMap<Socket, string>();

  return {
    verdict(socket) {
      if (admitPeer === undefined) return undefined;
      let verdict = verdicts.get(socket);
      if (verdict === undefined) {
        verdict = admitPeer(socket).then((outcome) => {
          if (!outcome.admitted) log.warn({ event: 'peer-refused', peer: outcome.peer, reason: outcome.reason, code: outcome.code }, 'refused a connection');
          known.set(socket, outcome);
          return outcome;
        });
        verdicts.set(socket, verdict);
      }
      return verdict;
    },
    settled: (socket) => known.get(socket),
    handedOut(answer, socket, verdict) {
      const keyId = answer.credentialKeyId;
      if (keyId === undefined || logged.get(socket) === keyId) return;
      logged.set(socket, keyId);
      const peerOf = verdict === undefined
        ? Promise.resolve<PeerInfo>({ address: socket.remoteAddress })
        : verdict.describe();
      void peerOf.then((peer) => log.info({ event: 'handed-out', keyId, peer }, 'credential handed out'));
    },
  };
}
