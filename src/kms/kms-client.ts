/**
 * A minimal client of an AWS-KMS-API-compatible service (AWS KMS, or another Coffer) over HTTPS:
 * the JSON 1.1 protocol signed with SigV4 (service 'kms'). Used to fetch the master key from an
 * external KMS at startup; nothing here logs keys, plaintexts or the request signature.
 *
 *   url   = assertSafeUrl(endpoint)       (no credentials in the URL; https, or http on loopback when allowed)
 *   req   = POST / , X-Amz-Target: TrentService.<Op>, body = JSON(input), SigV4(kms, region)
 *   reply = 200 -> JSON ; else CofferError('kms.external_error', { details: { type } })  (AWS __type only)
 */
import https from 'node:https';
import http from 'node:http';
import { CofferError, systemClock, type Clock } from '../shared/index.js';
import { signRequest, type SigV4Credentials } from '../auth/index.js';
import { assertSafeUrl } from '../guards/index.js';

export interface KmsClientOptions {
  endpoint: string;
  region: string;
  credentials: SigV4Credentials;
  /** PEM CA bundle to trust for the endpoint (e.g. the other Coffer's CA); default: the system store. */
  ca?: string;
  /** Accept http:// on a loopback host (tests, sidecars); never for other hosts. */
  allowLoopbackHttp?: boolean;
  clock?: Clock;
  timeoutMs?: number;
}

export interface KmsClient {
  call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export function createKmsClient(options: KmsClientOptions): KmsClient {
  const url = assertSafeUrl(options.endpoint, { allowLoopbackHttp: options.allowLoopbackHttp ?? false, what: 'the external KMS endpoint' });
  const clock = options.clock ?? systemClock;
  const agent = url.protocol === 'https:' ? new https.Agent({ ...(options.ca ? { ca: options.ca } : {}), minVersion: 'TLSv1.2' }) : undefined;
  return {
    async call(operation, input) {
      const body = JSON.stringify(input);
      const path = url.pathname === '' ? '/' : url.pathname;
      const signed = signRequest({
        method: 'POST',
        rawPath: path,
        headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `TrentService.${operation}` },
        credentials: options.credentials,
        region: options.region,
        service: 'kms',
        date: clock.now(),
        body,
        contentSha256Header: false,
      });
      const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const mod = url.protocol === 'https:' ? https : http;
        const req = mod.request(
          { method: 'POST', host: url.hostname, port: url.port || undefined, path, headers: { ...signed.headers, 'content-length': String(Buffer.byteLength(body)) }, ...(agent ? { agent } : {}), timeout: options.timeoutMs ?? 15_000 },
          (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
            r.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(body);
      }).catch((cause: unknown) => {
        throw new CofferError('kms.external_unreachable', { message: `The external KMS could not be reached (${(cause as Error).message}).`, cause });
      });
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(res.text || '{}') as Record<string, unknown>;
      } catch (cause) {
        throw new CofferError('kms.external_error', { message: `The external KMS answered ${res.status} with a body that is not JSON.`, cause });
      }
      if (res.status !== 200) {
        const type = typeof parsed['__type'] === 'string' ? (parsed['__type'] as string).split('#').pop()! : 'Unknown';
        throw new CofferError('kms.external_error', { message: `The external KMS refused ${operation}: ${type}.`, details: { type, status: res.status } });
      }
      return parsed;
    },
  };
}
