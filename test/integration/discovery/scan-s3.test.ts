import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ROOT, cofferArgs, startCoffer, type Coffer } from '../harness.js';

interface Report {
  summary?: Record<string, unknown>;
  objects: Array<{ location?: string; key?: string; path?: string; findings?: Array<{ type?: string; identifier?: string; count?: number }> } & Record<string, unknown>>;
}

describe('coffer scan against a running Coffer (s3://)', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer();
    const s3 = coffer.client();
    await s3.send(new CreateBucketCommand({ Bucket: 'scan-me' }));
    await s3.send(new PutObjectCommand({ Bucket: 'scan-me', Key: 'clean/readme.txt', Body: 'Nothing to see here, just prose about storage.\n' }));
    await s3.send(
      new PutObjectCommand({
        Bucket: 'scan-me',
        Key: 'hr/people.csv',
        Body: 'name,ssn,card\nAlice,536-22-8106,4111 1111 1111 1111\nBob,401-74-2237,5500 0000 0000 0004\n',
      }),
    );
    await s3.send(new PutObjectCommand({ Bucket: 'scan-me', Key: 'ops/config.json.gz', Body: gzipSync(JSON.stringify({ aws_access_key_id: 'AKIAZ7VQ3XKM4P2LRT6W', aws_secret_access_key: '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' })) }));
  });
  after(async () => coffer.dispose());

  const scan = (...args: string[]) =>
    spawnSync(process.execPath, cofferArgs('scan', ...args, '--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, '--region', 'us-east-1', '--no-progress'), {
      cwd: ROOT,
      encoding: 'utf8',
      env: coffer.cliEnv(),
      timeout: 120_000,
    });

  // Valid-looking values: the engine rightly ignores published example values (123-45-6789, AKIA...EXAMPLE).
  it('finds the SSNs, cards and AWS keys stored in the bucket, with exit code 1 and no raw values', () => {
    const r = scan('s3://scan-me/', '--format', 'json');
    assert.equal(r.status, 1, r.stderr);
    const text = r.stdout;
    for (const raw of ['536-22-8106', '4111 1111 1111 1111', 'h7Rk2pQz9XvL4mT8wN1sB6yC3dF5gJ0aE2uV7iOq']) assert.ok(!text.includes(raw), `raw value leaked: ${raw}`);
    const report = JSON.parse(text) as Report;
    const flat = JSON.stringify(report);
    assert.match(flat, /USA_SOCIAL_SECURITY_NUMBER/);
    assert.match(flat, /CREDIT_CARD_NUMBER/);
    assert.match(flat, /AWS_CREDENTIALS/);
    assert.match(flat, /hr\/people\.csv/);
    assert.match(flat, /ops\/config\.json\.gz/);
  });

  it('exits 0 on a prefix with nothing sensitive', () => {
    const r = scan('s3://scan-me/clean/', '--format', 'json');
    assert.equal(r.status, 0, r.stderr + r.stdout);
  });

  it('exits 2 with a clear message for a bucket that does not exist', () => {
    const r = scan('s3://no-such-bucket-here/');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /NoSuchBucket|does not exist/);
  });
});
