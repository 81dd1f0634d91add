/**
 * Minimal S3 client for load generation: node:http(s) with a keep-alive agent sized to the
 * concurrency, path-style URLs, SigV4 header signing with x-amz-content-sha256 UNSIGNED-PAYLOAD
 * (what minio-go and warp send over TLS), bodies sent from one shared Buffer and responses
 * drained without copying. Request overhead per operation is a few microseconds, so the
 * numbers measure the server rather than the client (see sdk-client.ts for the comparison).
 */
import http from 'node:http';
import https from 'node:https';
import { signRequest } from '../../src/auth/index.js';
import type { S3Ops, TargetEndpoint } from './types.js';

const UNSIGNED = 'UNSIGNED-PAYLOAD';

function encodeKey(key: string): string {
  return key.split('/').map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())).join('/');
}

export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly op: string,
    body: string,
  ) {
    super(`${op}: HTTP ${status} ${body.slice(0, 300)}`);
  }
}

/** An S3Ops implementation over raw signed HTTP requests (or unsigned, for nginx). */
export function createRawClient(target: TargetEndpoint, opts: { concurrency: number }): S3Ops & { close(): void } {
  const url = new URL(target.endpoint);
  const secure = url.protocol === 'https:';
  const agentOpts = { keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency, scheduling: 'lifo' as const };
  const agent = secure ? new https.Agent({ ...agentOpts, ...(target.ca ? { ca: target.ca } : {}) }) : new http.Agent(agentOpts);
  const host = url.host;
  const transport = secure ? https : http;

  type Reply = { status: number; bytes: number; text: string };
  type RequestOpts = { allow404?: boolean; collect?: boolean };

  /**
   * A server may close an idle keep-alive connection just as the agent hands it out again; the
   * request then fails with ECONNRESET before the server saw it. Retry that case once (Node's
   * documented remedy: `req.reusedSocket`); every operation here is idempotent.
   */
  async function request(method: string, path: string, query: string, body: Buffer | null, op: string, opts: RequestOpts = {}): Promise<Reply> {
    try {
      return await attempt(method, path, query, body, op, opts);
    } catch (err) {
      if ((err as { staleSocket?: boolean }).staleSocket) return attempt(method, path, query, body, op, opts);
      throw err;
    }
  }

  function attempt(method: string, path: string, query: string, body: Buffer | null, op: string, opts: RequestOpts): Promise<Reply> {
    const headers: Record<string, string> = { host };
    if (body) headers['content-length'] = String(body.length);
    let sent: Record<string, string | string[]> = headers;
    if (target.credentials) {
      sent = signRequest({
        method,
        rawPath: path,
        rawQuery: query,
        headers,
        credentials: target.credentials,
        region: target.region ?? 'us-east-1',
        date: Date.now(),
        payloadHash: UNSIGNED,
      }).headers;
    }
    return new Promise((resolve, reject) => {
      const req = transport.request(
        { agent, method, host: url.hostname, port: url.port, path: query ? `${path}?${query}` : path, headers: sent, servername: secure ? url.hostname : undefined },
        (res) => {
          let bytes = 0;
          const chunks: Buffer[] = [];
          const status = res.statusCode ?? 0;
          const keep = opts.collect || status >= 300;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (keep) chunks.push(c);
          });
          res.on('end', () => {
            const text = keep ? Buffer.concat(chunks).toString('utf8') : '';
            if (status >= 300 && !(opts.allow404 && status === 404)) reject(new HttpStatusError(status, op, text));
            else resolve({ status, bytes, text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (req.reusedSocket && err.code === 'ECONNRESET') Object.assign(err, { staleSocket: true });
        reject(err);
      });
      req.end(body ?? undefined);
    });
  }

  const objPath = (bucket: string, key: string) => `/${bucket}/${encodeKey(key)}`;
  return {
    async createBucket(bucket) {
      await request('PUT', `/${bucket}`, '', null, 'CreateBucket');
    },
    async put(bucket, key, body) {
      await request('PUT', objPath(bucket, key), '', body, 'PutObject');
    },
    async get(bucket, key) {
      const r = await request('GET', objPath(bucket, key), '', null, 'GetObject');
      return r.bytes;
    },
    async head(bucket, key) {
      await request('HEAD', objPath(bucket, key), '', null, 'HeadObject');
    },
    async del(bucket, key) {
      await request('DELETE', objPath(bucket, key), '', null, 'DeleteObject', { allow404: true });
    },
    async list(bucket, prefix, maxKeys) {
      // Query parameters in canonical (sorted) order; the value encoding matches the signer's.
      const query = `list-type=2&max-keys=${maxKeys}&prefix=${encodeURIComponent(prefix)}`;
      const r = await request('GET', `/${bucket}`, query, null, 'ListObjectsV2', { collect: true });
      return (r.text.match(/<Key>/g) ?? []).length;
    },
    close() {
      agent.destroy();
    },
  };
}
