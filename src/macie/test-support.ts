/** A real object service on temp-dir SQLite + local-disk blobs, with discovery wired in (tests only). */
import { Readable } from 'node:stream';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createEnvelope, deriveKey, MasterKey } from '../crypto/index.js';
import { createObjectService, type ObjectService } from '../objects/index.js';
import { openLocalDiskBlobStore, openSqliteMetadataStore } from '../storage/index.js';
import type { MetadataStore } from '../storage/metadata/port.js';
import { openDiscovery, type Discovery, type DiscoverySettings } from './service.js';

export const ACCOUNT = '123456789012';

export interface Fixture {
  dir: string;
  masterKey: MasterKey;
  raw: MetadataStore;
  objects: ObjectService;
  discovery: Discovery;
  put(bucket: string, key: string, body: string | Buffer): Promise<{ versionId: string }>;
  close(): Promise<void>;
}

export async function openFixture(opts: { dir?: string; masterKey?: MasterKey; settings?: Partial<DiscoverySettings>; start?: boolean } = {}): Promise<Fixture> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'coffer-macie-')));
  const masterKey = opts.masterKey ?? MasterKey.generate();
  const raw = await openSqliteMetadataStore({ path: join(dir, 'meta.db'), encryptionKey: deriveKey(masterKey, 'metadata-db/v1') });
  const blobs = await openLocalDiskBlobStore({ dir: join(dir, 'blobs') });
  const discovery = openDiscovery({
    path: join(dir, 'macie', 'macie.db'), masterKey, metadata: raw, clock: { now: () => Date.now() }, logger: pino({ level: 'silent' }),
    settings: { onWrite: true, cpuPercent: 100, concurrency: 2, ...opts.settings },
  });
  const objects = createObjectService({ metadata: discovery.metadata, blobs, envelope: createEnvelope({ masterKey }), clock: { now: () => Date.now() }, region: 'us-east-1' });
  if (opts.start !== false) await discovery.start({ objects, accountId: ACCOUNT, region: 'us-east-1' });
  return {
    dir, masterKey, raw, objects, discovery,
    async put(bucket, key, body) {
      const buf = Buffer.from(body);
      const r = await objects.putObject({
        bucket, key, owner: ACCOUNT, contentType: 'text/plain', system: {}, userMetadata: {}, tags: {},
        body: { stream: Readable.from([buf]), declaredSize: buf.length, algorithm: null, expectedChecksum: () => undefined },
      });
      return { versionId: r.versionId };
    },
    async close() {
      await discovery.close();
      await raw.close();
      await blobs.close();
    },
  };
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Text with a labelled card number, a US SSN and an AWS secret key on known lines. */
export const SENSITIVE_TEXT = [
  'Customer record',
  'credit card: 4111 1111 1111 1111',
  'SSN 536-90-4399',
  'aws_access_key_id = AKIAJ5Q7R2D4H6K8M0PZ',
  'aws_secret_access_key = q8Vz3Lk0Rj7Tn2Wy5Xb9Cd4Fg6Hm1Np3Qs8Ut0Av',
  '',
].join('\n');
