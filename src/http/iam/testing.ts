/** Test harness: a real identity store in a temp dir, real SigV4 signing and verification. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { signRequest, verifyRequest } from '../../auth/index.js';
import { MasterKey } from '../../crypto/index.js';
import { createAccessKeyResolver, openSqliteIamStore, provisionAdminUser, type IamStore } from '../../iam/store/index.js';
import { createIamHandler, type IamHttpResponse } from './handler.js';

export const ACCOUNT = '123456789012';
export const ADMIN = { accessKeyId: 'AKIAADMINADMINADMIN2', secretAccessKey: 'admin-secret-admin-secret-admin-secret-00' };

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface Harness {
  store: IamStore;
  /** Signs (service 'iam' unless given), verifies and handles one request. */
  call(creds: Creds, params: Record<string, string>, opts?: { service?: string }): Promise<IamHttpResponse & { xml: Record<string, any> }>;
  close(): void;
}

const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'member' });

export async function harness(options: { allowRootAccessKeys?: boolean } = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'coffer-iam-http-'));
  const now = Date.UTC(2026, 0, 1, 12);
  const clock = { now: () => now };
  const store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT, clock });
  await provisionAdminUser(store, { userName: 'admin', ...ADMIN, createdMs: now });
  const resolver = createAccessKeyResolver({ store, clock });
  const handle = createIamHandler({ store, clock, accountId: ACCOUNT, allowRootAccessKeys: options.allowRootAccessKeys ?? false });
  return {
    store,
    async call(creds, params, opts = {}) {
      const body = new URLSearchParams({ Version: '2010-05-08', ...params }).toString();
      const service = opts.service ?? 'iam';
      const signed = signRequest({
        method: 'POST',
        rawPath: '/',
        headers: { host: 'localhost', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        credentials: creds,
        region: 'us-east-1',
        service,
        date: now,
        body,
      });
      const auth = await verifyRequest(
        { method: 'POST', rawPath: '/', rawQuery: '', headers: signed.headers },
        { findSecret: resolver.findSecret, region: 'us-east-1', service, clock, requireContentSha256: false, bodySha256: createHash('sha256').update(body).digest('hex') },
      );
      const res = await handle({ auth, body, requestId: 'req-1', conditionKeys: { 'aws:SecureTransport': 'true', 'aws:CurrentTime': new Date(now).toISOString() } });
      return { ...res, xml: parser.parse(res.body) };
    },
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
