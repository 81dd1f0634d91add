/** Test helpers (not exported from index.ts). */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildS3Event } from './build-s3-event.js';
import type { AuditEvent } from './event.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-audit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A PutObject/GetObject event by alice; `i` makes key, request id and time distinct. */
export function sampleEvent(i: number, over: { operation?: string; user?: string; bucket?: string; time?: number } = {}): AuditEvent {
  const user = over.user ?? 'alice';
  const op = over.operation ?? (i % 2 === 0 ? 'PutObject' : 'GetObject');
  return buildS3Event(
    {
      operation: op,
      principal: { type: 'IAMUser', principalId: `AIDA${user.toUpperCase()}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
      accessKeyId: `AKIA${user.toUpperCase().padEnd(16, 'X')}`,
      sourceIp: '127.0.0.1',
      userAgent: 'aws-sdk-js/3',
      tls: { version: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' },
      host: 'localhost',
      bucket: over.bucket ?? 'confidential-bucket',
      key: `patients/record-${i}.pdf`,
      requestId: `REQ${i}`,
      readOnly: op.startsWith('Get'),
      responseElements: null,
    },
    { accountId: ACCOUNT, region: REGION, clock: { now: () => over.time ?? Date.UTC(2026, 0, 1, 0, 0, i) } },
  );
}
