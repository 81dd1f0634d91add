import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { ROOT, cleanEnv, cofferArgs, startCoffer } from '../harness.js';

describe('audit trail of S3 requests', () => {
  it('records every request, failed authentication included, without secrets, and verifies offline', async () => {
    const coffer = await startCoffer();
    try {
      const s3 = coffer.client();
      await s3.send(new CreateBucketCommand({ Bucket: 'audited' }));
      await s3.send(new PutObjectCommand({ Bucket: 'audited', Key: 'doc.txt', Body: 'hello', Metadata: { owner: 'x' } }));
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'audited', Key: 'doc.txt' }), { expiresIn: 60 });
      const signature = new URL(url).searchParams.get('X-Amz-Signature')!;
      const u = new URL(url);
      const status = await new Promise<number>((resolve, reject) => {
        https.get({ host: 'localhost', port: coffer.port, path: u.pathname + u.search, ca: coffer.ca }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        }).on('error', reject);
      });
      assert.equal(status, 200);
      const bad = new S3Client({
        endpoint: coffer.endpoint,
        region: 'us-east-1',
        forcePathStyle: true,
        credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret00' },
        requestHandler: s3.config.requestHandler as never,
      });
      await assert.rejects(bad.send(new ListBucketsCommand({})));
      await coffer.stop();

      const { key } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
      const events = [];
      for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), key)) events.push(e);
      const names = events.map((e) => e.event.eventName);
      assert.ok(names.includes('CreateBucket'), names.join(','));
      assert.ok(names.includes('PutObject'), names.join(','));
      const text = JSON.stringify(events);
      assert.match(text, /SignatureDoesNotMatch/, 'the failed authentication is recorded');
      assert.match(text, new RegExp(coffer.accessKeyId), 'the access key id is recorded, as on AWS');
      for (const secret of [coffer.secretAccessKey, 'wrong-secret-wrong-secret-wrong-secret00', signature]) {
        assert.ok(!text.includes(secret), 'no secret in the trail');
      }
      // Files on disk hold no plaintext key names either.
      for (const f of await readdir(join(coffer.dataDir, 'audit'), { recursive: true })) {
        const p = join(coffer.dataDir, 'audit', String(f));
        const data = await readFile(p).catch(() => null);
        if (data) assert.ok(!data.includes(Buffer.from('doc.txt')), `plaintext key name in ${p}`);
      }

      const verify = (...args: string[]) => spawnSync(process.execPath, cofferArgs('audit', 'verify', '--data-dir', coffer.dataDir, ...args), { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
      const ok = verify();
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);

      // Flip one byte in the middle of a segment: verification must fail and say where.
      const segDir = join(coffer.dataDir, 'audit');
      const entries = await readdir(segDir, { recursive: true, withFileTypes: true });
      const files = entries.filter((e) => e.isFile() && /seg/i.test(join(e.parentPath ?? (e as unknown as { path: string }).path, e.name))).map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name).slice(segDir.length + 1));
      assert.ok(files.length > 0, 'segment files exist');
      const seg = join(segDir, files[0]!);
      const bytes = await readFile(seg);
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x40;
      await writeFile(seg, bytes);
      const tampered = verify();
      assert.equal(tampered.status, 1, tampered.stdout + tampered.stderr);
    } finally {
      await coffer.dispose();
    }
  });
});
