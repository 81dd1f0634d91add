/**
 * Raw signed requests (so tests see the exact bytes of error responses) and the decrypted audit
 * trail of a stopped server, shared by the guard tests.
 */
import https from 'node:https';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@aws-crypto/sha256-js';
import { readAuditEvents, type StoredEvent } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import type { Coffer, Credentials } from '../harness.js';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The headers the request was sent with (to pick out a signature the test made). */
  requestHeaders?: Record<string, string>;
}

export interface RawRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
  /** Service in the credential scope; default s3. */
  service?: string;
  /** Signing credentials; default the server's admin. Pass a wrong secret for a bad signature. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Send without signing (anonymous, or a hand-made Authorization header / presigned query). */
  unsigned?: boolean;
}

function send(coffer: Coffer, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', servername: 'localhost', port: coffer.port, method, path, headers, ca: coffer.ca }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (d: string) => (data += d)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A SigV4-signed (or unsigned) request with exactly the given path, query, headers and body. */
export async function raw(coffer: Coffer, r: RawRequest): Promise<RawResponse> {
  const query = r.query ?? {};
  const qs = new URLSearchParams(query).toString().replace(/\+/g, '%20');
  const headers: Record<string, string> = { host: `localhost:${coffer.port}`, ...(r.headers ?? {}) };
  if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
  if (r.unsigned) return send(coffer, r.method, r.path + (qs ? `?${qs}` : ''), headers, r.body);
  const signer = new SignatureV4({ service: r.service ?? 's3', region: 'us-east-1', credentials: r.credentials ?? { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, sha256: Sha256, uriEscapePath: false });
  const signed = await signer.sign({ method: r.method, protocol: 'https:', hostname: 'localhost', port: coffer.port, path: r.path, query, headers: { ...headers, ...(r.service && r.service !== 's3' ? {} : { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }) }, body: r.body });
  const res = await send(coffer, r.method, r.path + (qs ? `?${qs}` : ''), signed.headers as Record<string, string>, r.body);
  return { ...res, requestHeaders: signed.headers as Record<string, string> };
}

/** A presigned GET (path and query string) valid for a minute, signed with the admin credentials. */
export async function presignGet(coffer: Coffer, path: string): Promise<string> {
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, sha256: Sha256, uriEscapePath: false });
  const p = await signer.presign({ method: 'GET', protocol: 'https:', hostname: 'localhost', port: coffer.port, path, query: {}, headers: { host: `localhost:${coffer.port}` } }, { expiresIn: 60 });
  const q = new URLSearchParams(p.query as Record<string, string>).toString();
  return `${path}?${q}`;
}

/** An IAM query action signed for service iam (awsQuery form body). */
export function iamAction(coffer: Coffer, action: string, params: Record<string, string>, credentials?: RawRequest['credentials']): Promise<RawResponse> {
  const body = new URLSearchParams({ Action: action, Version: '2010-05-08', ...params }).toString();
  return raw(coffer, { method: 'POST', path: '/', service: 'iam', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' }, body, ...(credentials ? { credentials } : {}) });
}

/** Every stored audit event of a (stopped) server, decrypted with its data directory's master key. */
export async function auditEvents(c: Credentials & { dataDir: string }): Promise<StoredEvent[]> {
  const { key } = await loadMasterKeyFile(join(c.dataDir, 'master.key'));
  const events: StoredEvent[] = [];
  for await (const e of readAuditEvents(join(c.dataDir, 'audit'), key)) events.push(e);
  return events;
}

/** The XML element's text (first occurrence), or null. */
export function xmlText(body: string, element: string): string | null {
  const m = new RegExp(`<${element}>([^<]*)</${element}>`).exec(body);
  return m ? m[1]! : null;
}
