import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isCofferError } from '../../shared/errors.js';
import { parseS3Url, s3Objects } from './s3-source.js';

// A real Coffer server, started through its own command line (bin/coffer.js) on a loopback port.
const bin = fileURLToPath(new URL('../../../bin/coffer.js', import.meta.url));
const standalone = fileURLToPath(new URL('./standalone.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

interface Creds { accessKeyId: string; secretAccessKey: string; caCertFile: string }

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { timeout: 120_000, env: { ...process.env, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

describe('scanning s3:// locations of a running Coffer server', () => {
  let dir = '';
  let server: ChildProcess | null = null;
  let endpoint = '';
  let creds: Creds;
  let env: NodeJS.ProcessEnv = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-scan-s3-'));
    const init = await run([bin, 'init', '--data-dir', join(dir, 'data'), '--json']);
    assert.equal(init.code, 0, init.stderr);
    creds = JSON.parse(init.stdout) as Creds;
    server = spawn(process.execPath, [bin, 'server', '--data-dir', join(dir, 'data'), '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
      server!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /serving S3 on (https:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) { clearTimeout(timer); resolve(m[1]!); }
      });
      server!.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}`)); });
    });
    env = { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_REGION: 'us-east-1' };
    const s3 = new S3Client({
      region: 'us-east-1', endpoint, forcePathStyle: true,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
      requestHandler: { httpsAgent: new Agent({ ca: await readFile(creds.caCertFile) }) },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'scan-me' }));
    for (let i = 0; i < 5; i++) {
      await s3.send(new PutObjectCommand({ Bucket: 'scan-me', Key: `docs/note-${i}.txt`, Body: `hello\ncontact: user${i}@example.com\n` }));
    }
    await s3.send(new PutObjectCommand({ Bucket: 'scan-me', Key: 'docs/people.csv', Body: 'name,email\nAlice,alice@example.org\n' }));
    await s3.send(new PutObjectCommand({ Bucket: 'scan-me', Key: 'clean/readme.txt', Body: 'nothing to see\n' }));
    s3.destroy();
  });

  after(async () => {
    if (server !== null && server.exitCode === null) {
      const exited = new Promise((r) => server!.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('lists every object under a prefix across ListObjectsV2 pages and streams each one', async () => {
    // An explicitly configured client: the CLI test below covers the AWS credential chain.
    const client = new S3Client({
      region: 'us-east-1', endpoint, forcePathStyle: true,
      credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
      requestHandler: { httpsAgent: new Agent({ ca: await readFile(creds.caCertFile) }) },
    });
    let listCalls = 0;
    client.middlewareStack.add((next, context) => async (args) => {
      if (context.commandName === 'ListObjectsV2Command') listCalls++;
      return next(args);
    }, { step: 'initialize' });
    const names: string[] = [];
    let first = '';
    try {
      for await (const o of s3Objects(client, parseS3Url('s3://scan-me/docs/'), { pageSize: 2 })) {
        names.push(o.name);
        if (first === '') first = await text(await o.open());
      }
    } finally {
      client.destroy();
    }
    assert.deepEqual(names, [
      's3://scan-me/docs/note-0.txt', 's3://scan-me/docs/note-1.txt', 's3://scan-me/docs/note-2.txt',
      's3://scan-me/docs/note-3.txt', 's3://scan-me/docs/note-4.txt', 's3://scan-me/docs/people.csv',
    ]);
    assert.equal(first, 'hello\ncontact: user0@example.com\n');
    assert.equal(listCalls, 3, 'six keys in pages of two');
  });

  it('scans an s3:// prefix from the command line with credentials from the environment', async () => {
    const r = await run(['--no-warnings', '--import', tsx, standalone, 'scan', 's3://scan-me/docs', '--endpoint-url', endpoint,
      '--ca-bundle', creds.caCertFile, '--format', 'json'], env);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: { objectsScanned: number; objectsWithFindings: number }; objects: Array<{ location: string; finding: { detections: Array<{ type: string; occurrences: { cells?: unknown[]; lineRanges?: unknown[] } }> } }> };
    assert.equal(doc.summary.objectsScanned, 6);
    assert.equal(doc.summary.objectsWithFindings, 6);
    const csv = doc.objects.find((o) => o.location === 's3://scan-me/docs/people.csv')!;
    assert.deepEqual(csv.finding.detections[0]!.occurrences.cells?.length, 1);
    assert.ok(!r.stdout.includes('alice@example.org'));
    const clean = await run(['--no-warnings', '--import', tsx, standalone, 'scan', 's3://scan-me/clean/', '--endpoint-url', endpoint, '--ca-bundle', creds.caCertFile], env);
    assert.equal(clean.code, 0, clean.stderr);
  });

  it('exits with 2 on a missing bucket, wrong credentials or an untrusted certificate', async () => {
    const args = (url: string, ...more: string[]) => ['--no-warnings', '--import', tsx, standalone, 'scan', url, '--endpoint-url', endpoint, ...more];
    const missing = await run(args('s3://no-such-bucket', '--ca-bundle', creds.caCertFile), env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /NoSuchBucket/);
    const wrong = await run(args('s3://scan-me', '--ca-bundle', creds.caCertFile), { ...env, AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId/);
    assert.ok(!wrong.stderr.includes(creds.secretAccessKey));
    const untrusted = await run(args('s3://scan-me'), env);
    assert.equal(untrusted.code, 2);
    assert.match(untrusted.stderr, /certificate/);
  });

  it('rejects a malformed s3:// location', () => {
    assert.throws(() => parseS3Url('s3://'), (e: unknown) => isCofferError(e, 'discovery.scan.invalid_s3_url'));
    assert.deepEqual(parseS3Url('s3://b'), { bucket: 'b', prefix: '' });
    assert.deepEqual(parseS3Url('s3://b/a/b c/'), { bucket: 'b', prefix: 'a/b c/' });
  });
});
