/*
 * Per-source connection limit for a listener (slow and hostile clients, issue 10 item 5).
 *
 *   on TCP connection (before TLS or HTTP sees it):
 *     source = remote address (IPv4-mapped IPv6 folded to IPv4)
 *     if open[source] >= max: destroy the socket at once; refused[source]++
 *                             log once per logIntervalMs per source (with the refused count)
 *     else open[source]++, and open[source]-- when the socket closes
 * The listener registers first (prependListener), so a refused socket costs no TLS handshake
 * and no parser. Counts are per listener: the FIPS endpoint has its own.
 */
import type { Server, Socket } from 'node:net';

/** The subset of pino's logger used here. */
export interface ConnectionLimitLogger {
  warn(obj: object, msg: string): void;
}

export interface ConnectionLimitOptions {
  /** Open connections allowed per source address. */
  maxPerSource: number;
  logger: ConnectionLimitLogger;
  /** At most one log line per source in this window (ms). Default 60000. */
  logIntervalMs?: number;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
}

export interface ConnectionLimit {
  /** Open connections from `source` that count against the limit. */
  open(source: string): number;
  /** Connections refused so far (all sources). */
  readonly refused: number;
  /** Stops limiting (the listener stays). */
  detach(): void;
}

const sourceOf = (socket: Socket): string => (socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

/** Limits concurrent connections per remote address on `server` (net, tls, http or https). */
export function limitConnectionsPerSource(server: Server, options: ConnectionLimitOptions): ConnectionLimit {
  const max = options.maxPerSource;
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError('maxPerSource must be a positive integer');
  const interval = options.logIntervalMs ?? 60_000;
  const now = options.now ?? Date.now;
  const open = new Map<string, number>();
  // Per source: when it was last logged and how many were refused since.
  const logged = new Map<string, { at: number; since: number }>();
  let refused = 0;

  const onConnection = (socket: Socket) => {
    const source = sourceOf(socket);
    const n = open.get(source) ?? 0;
    if (n >= max) {
      refused++;
      socket.destroy();
      report(source);
      return;
    }
    open.set(source, n + 1);
    socket.once('close', () => {
      const left = (open.get(source) ?? 1) - 1;
      if (left > 0) open.set(source, left);
      else open.delete(source);
    });
  };

  const report = (source: string) => {
    const t = now();
    const entry = logged.get(source);
    if (entry && t - entry.at < interval) {
      entry.since++;
      return;
    }
    // Forget sources whose window has passed, so the map stays as small as the set of offenders.
    for (const [s, e] of logged) if (t - e.at >= interval) logged.delete(s);
    const suppressed = entry ? entry.since : 0;
    logged.set(source, { at: t, since: 0 });
    options.logger.warn({ source, maxConnectionsPerSource: max, refusedSinceLastLog: suppressed + 1 }, 'connection refused: too many open connections from this address');
  };

  server.prependListener('connection', onConnection);
  return {
    open: (source) => open.get(source) ?? 0,
    get refused() {
      return refused;
    },
    detach() {
      server.off('connection', onConnection);
    },
  };
}
