import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startCoffer, type Coffer } from '../harness.js';

/** Debian's AWS CLI v2 (the pyenv shim on some machines is v1). */
const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : 'aws';

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 120_000, input });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function md5(data: Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

describe('standard command-line clients', () => {
  let coffer: Coffer;
  let work: string;
  const aws = (...args: string[]) => {
    const r = run(AWS, ['--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, ...args], coffer.cliEnv());
    assert.equal(r.status, 0, `aws ${args.join(' ')}\n${r.stderr}`);
    return r.stdout;
  };
  before(async () => {
    coffer = await startCoffer();
    work = join(coffer.dataDir, '..', 'work');
    await mkdir(join(work, 'tree', 'sub'), { recursive: true });
  });
  after(async () => coffer.dispose());

  it('aws s3: mb, cp both ways, ls, sync, rm, rb', async () => {
    aws('s3', 'mb', 's3://cli-bucket');
    const small = randomBytes(1000);
    const big = randomBytes(20 * 1024 * 1024); // above the CLI's 8 MiB multipart threshold
    await writeFile(join(work, 'small.bin'), small);
    await writeFile(join(work, 'big.bin'), big);
    aws('s3', 'cp', join(work, 'small.bin'), 's3://cli-bucket/small.bin');
    aws('s3', 'cp', join(work, 'big.bin'), 's3://cli-bucket/dir/big.bin');
    aws('s3', 'cp', 's3://cli-bucket/dir/big.bin', join(work, 'big.out'));
    aws('s3', 'cp', 's3://cli-bucket/small.bin', join(work, 'small.out'));
    assert.equal(md5(await readFile(join(work, 'big.out'))), md5(big));
    assert.equal(md5(await readFile(join(work, 'small.out'))), md5(small));
    const ls = aws('s3', 'ls', 's3://cli-bucket/', '--recursive');
    assert.match(ls, /small\.bin/);
    assert.match(ls, /dir\/big\.bin/);
    await writeFile(join(work, 'tree', 'a.txt'), 'a');
    await writeFile(join(work, 'tree', 'sub', 'b.txt'), 'b');
    aws('s3', 'sync', join(work, 'tree'), 's3://cli-bucket/tree');
    const synced = aws('s3', 'ls', 's3://cli-bucket/tree/', '--recursive');
    assert.match(synced, /tree\/a\.txt/);
    assert.match(synced, /tree\/sub\/b\.txt/);
    // A second sync uploads nothing.
    assert.equal(aws('s3', 'sync', join(work, 'tree'), 's3://cli-bucket/tree').trim(), '');
    aws('s3', 'rm', 's3://cli-bucket/', '--recursive');
    aws('s3', 'rb', 's3://cli-bucket');
  });

  it('aws s3api: multipart upload and versioning', async () => {
    aws('s3api', 'create-bucket', '--bucket', 'api-bucket');
    aws('s3api', 'put-bucket-versioning', '--bucket', 'api-bucket', '--versioning-configuration', 'Status=Enabled');
    const status = JSON.parse(aws('s3api', 'get-bucket-versioning', '--bucket', 'api-bucket')) as { Status: string };
    assert.equal(status.Status, 'Enabled');
    const part1 = randomBytes(5 * 1024 * 1024);
    const part2 = randomBytes(1024);
    await writeFile(join(work, 'p1'), part1);
    await writeFile(join(work, 'p2'), part2);
    const { UploadId } = JSON.parse(aws('s3api', 'create-multipart-upload', '--bucket', 'api-bucket', '--key', 'mp.bin')) as { UploadId: string };
    const e1 = (JSON.parse(aws('s3api', 'upload-part', '--bucket', 'api-bucket', '--key', 'mp.bin', '--upload-id', UploadId, '--part-number', '1', '--body', join(work, 'p1'))) as { ETag: string }).ETag;
    const e2 = (JSON.parse(aws('s3api', 'upload-part', '--bucket', 'api-bucket', '--key', 'mp.bin', '--upload-id', UploadId, '--part-number', '2', '--body', join(work, 'p2'))) as { ETag: string }).ETag;
    const parts = JSON.parse(aws('s3api', 'list-parts', '--bucket', 'api-bucket', '--key', 'mp.bin', '--upload-id', UploadId)) as { Parts: unknown[] };
    assert.equal(parts.Parts.length, 2);
    await writeFile(join(work, 'parts.json'), JSON.stringify({ Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }] }));
    const done = JSON.parse(aws('s3api', 'complete-multipart-upload', '--bucket', 'api-bucket', '--key', 'mp.bin', '--upload-id', UploadId, '--multipart-upload', `file://${join(work, 'parts.json')}`)) as { ETag: string; VersionId: string };
    assert.match(done.ETag, /-2"$/);
    aws('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'mp.bin', join(work, 'mp.out'));
    assert.equal(md5(await readFile(join(work, 'mp.out'))), md5(Buffer.concat([part1, part2])));
    aws('s3api', 'put-object', '--bucket', 'api-bucket', '--key', 'mp.bin', '--body', join(work, 'p2'));
    const versions = JSON.parse(aws('s3api', 'list-object-versions', '--bucket', 'api-bucket')) as { Versions: Array<{ VersionId: string; IsLatest: boolean }> };
    assert.equal(versions.Versions.length, 2);
    aws('s3api', 'get-object', '--bucket', 'api-bucket', '--key', 'mp.bin', '--version-id', done.VersionId, join(work, 'mp.v1'));
    assert.equal(md5(await readFile(join(work, 'mp.v1'))), md5(Buffer.concat([part1, part2])));
    const del = JSON.parse(aws('s3api', 'delete-object', '--bucket', 'api-bucket', '--key', 'mp.bin')) as { DeleteMarker: boolean };
    assert.equal(del.DeleteMarker, true);
  });

  it('s3cmd: mb, put, ls, get, del', async () => {
    const cfg = join(work, 's3cfg');
    const host = `localhost:${coffer.port}`;
    await writeFile(
      cfg,
      [
        '[default]',
        `access_key = ${coffer.accessKeyId}`,
        `secret_key = ${coffer.secretAccessKey}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = True',
        'check_ssl_certificate = True',
        `ca_certs_file = ${coffer.caCertFile}`,
        'signature_v2 = False',
        'bucket_location = us-east-1',
        '',
      ].join('\n'),
    );
    const s3cmd = (...args: string[]) => {
      const r = run('s3cmd', ['-c', cfg, ...args], coffer.cliEnv());
      assert.equal(r.status, 0, `s3cmd ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
      return r.stdout;
    };
    const data = randomBytes(3 * 1024 * 1024);
    await writeFile(join(work, 's3cmd.bin'), data);
    s3cmd('mb', 's3://s3cmd-bucket');
    s3cmd('put', join(work, 's3cmd.bin'), 's3://s3cmd-bucket/x/s3cmd.bin');
    assert.match(s3cmd('ls', '-r', 's3://s3cmd-bucket'), /x\/s3cmd\.bin/);
    s3cmd('get', '--force', 's3://s3cmd-bucket/x/s3cmd.bin', join(work, 's3cmd.out'));
    assert.equal(md5(await readFile(join(work, 's3cmd.out'))), md5(data));
    // s3cmd's own multipart path (chunk size 5 MiB).
    const big = randomBytes(12 * 1024 * 1024);
    await writeFile(join(work, 's3cmd-big.bin'), big);
    s3cmd('put', '--multipart-chunk-size-mb=5', join(work, 's3cmd-big.bin'), 's3://s3cmd-bucket/big.bin');
    s3cmd('get', '--force', 's3://s3cmd-bucket/big.bin', join(work, 's3cmd-big.out'));
    assert.equal(md5(await readFile(join(work, 's3cmd-big.out'))), md5(big));
    s3cmd('del', 's3://s3cmd-bucket/x/s3cmd.bin', 's3://s3cmd-bucket/big.bin');
    s3cmd('rb', 's3://s3cmd-bucket');
  });
});
