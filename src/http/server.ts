/**
 * The listener: HTTPS only (TLS 1.2+), unless plain HTTP is asked for explicitly, in which case
 * requests are marked as not using secure transport. Timeouts bound slow and stalled clients;
 * `close()` stops accepting, lets in-flight requests finish within a grace period, then cuts.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TlsOptions } from 'node:tls';
import type { Logger } from 'pino';
import { limitConnectionsPerSource } from './connection-limit.js';

export interface ListenerOptions {
  host: string;
  port: number;
  /** TLS options; null means plain HTTP (only with an explicit --insecure-http). */
  tls: TlsOptions | null;
  maxHeaderBytes: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  logger: Logger;
  handle: (req: http.IncomingMessage, res: http.ServerResponse, secureTransport: boolean) => Promise<void>;
  /** Open connections one client address may hold; more are closed at once and logged (rate-limited). */
  maxConnectionsPerSource?: number;
  /** Receives the server once created (e.g. so certificate reloads can update its context). */
  onServer?: (server: http.Server | https.Server) => void;
}

export interface Listener {
  readonly url: string;
  readonly port: number;
  close(graceMs: number): Promise<void>;
}

export async function startListener(opts: ListenerOptions): Promise<Listener> {
  const secure = opts.tls !== null;
  const serverOptions: http.ServerOptions = {
    maxHeaderSize: opts.maxHeaderBytes,
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    keepAliveTimeout: opts.keepAliveTimeoutMs,
    // S3 clients rely on Expect: 100-continue; Node answers it automatically.
  };
  const inFlight = new Set<http.ServerResponse>();
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    inFlight.add(res);
    res.on('close', () => inFlight.delete(res));
    opts.handle(req, res, secure).catch((err: unknown) => {
      opts.logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'unhandled request failure');
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else res.destroy();
    });
  };
  const server = secure ? https.createServer({ ...serverOptions, ...opts.tls }, listener) : http.createServer(serverOptions, listener);
  opts.onServer?.(server);
  if (opts.maxConnectionsPerSource !== undefined) limitConnectionsPerSource(server, { maxPerSource: opts.maxConnectionsPerSource, logger: opts.logger });
  // Idle sockets (stalled uploads, silent keep-alive peers) are closed after idleTimeoutMs.
  server.setTimeout(opts.idleTimeoutMs, (socket) => socket.destroy());
  server.on('tlsClientError', (err, socket) => {
    opts.logger.debug({ code: (err as { code?: string }).code }, 'TLS handshake failed');
    socket.destroy();
  });
  server.on('clientError', (err, socket) => {
    const code = (err as { code?: string }).code;
    // Only an HTTP parser error or timeout gets an HTTP answer. A TLS-layer failure (say, a refused
    // renegotiation) cannot carry one: end() would wait on a dead session and hold the socket open.
    const httpError = code !== undefined && (code.startsWith('HPE_') || code === 'ERR_HTTP_REQUEST_TIMEOUT');
    if (socket.writable && httpError) {
      const status = code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `${secure ? 'https' : 'http'}://${hostForUrl}:${addr.port}`,
    port: addr.port,
    async close(graceMs: number) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + graceMs;
      while (inFlight.size > 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        server.closeIdleConnections();
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
