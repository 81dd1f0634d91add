import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initDataDir } from '../app/data-dir.js';
import { loadMasterKeyFile } from '../crypto/index.js';
import { buildS3Event, openAuditTrail, type AuditEvent } from '../audit/index.js';
import { actionUsesOf } from './iam-evidence.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const ACCOUNT = '123456789012';

function s3Event(operation: string, user: string, bucket: string, key?: string, extra: { query?: Record<string, string>; headers?: Record<string, string>; errorCode?: string; daysAgo?: number } = {}): AuditEvent {
  return buildS3Event(
    {
      operation,
      principal: { type: 'IAMUser', principalId: `AIDA${user}`, arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
      sourceIp: '127.0.0.1',
      bucket,
      ...(key !== undefined ? { key } : {}),
      ...(extra.query ? { query: extra.query } : {}),
      ...(extra.headers ? { headers: extra.headers } : {}),
      ...(extra.errorCode ? { errorCode: extra.errorCode } : {}),
      requestId: `${operation}-${key ?? ''}`,
      readOnly: operation.startsWith('Get') || operation.startsWith('List'),
      decision: { decision: extra.errorCode === 'AccessDenied' ? 'ImplicitDeny' : 'Allow', matched: [] },
    },
    { accountId: ACCOUNT, region: 'us-east-1', clock: { now: () => Date.now() - (extra.daysAgo ?? 0) * 86_400_000 } },
  );
}

describe('coffer iam last-accessed and generate-policy', () => {
  it('maps S3 requests to the IAM actions the authoriser checked', () => {
    assert.deepEqual(actionUsesOf(s3Event('HeadObject', 'a', 'b', 'k')), [{ action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }]);
    assert.deepEqual(actionUsesOf(s3Event('ListObjectsV2', 'a', 'b')), [{ action: 's3:ListBucket', resource: 'arn:aws:s3:::b' }]);
    assert.deepEqual(actionUsesOf(s3Event('GetObject', 'a', 'b', 'k', { query: { versionId: 'v1' } })), [{ action: 's3:GetObjectVersion', resource: 'arn:aws:s3:::b/k' }]);
    assert.deepEqual(actionUsesOf(s3Event('DeleteObjects', 'a', 'b')), [{ action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/*' }]);
    assert.deepEqual(actionUsesOf(s3Event('CopyObject', 'a', 'b', 'copy', { headers: { 'x-amz-copy-source': '/src/orig.txt' } })), [
      { action: 's3:PutObject', resource: 'arn:aws:s3:::b/copy' },
      { action: 's3:GetObject', resource: 'arn:aws:s3:::src/orig.txt' },
    ]);
  });

  it('reads the trail offline and prints last use per action and the smallest policy', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'coffer-iam-evidence-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    await initDataDir(dataDir, { serverNames: [] });
    const { key } = await loadMasterKeyFile(join(dataDir, 'master.key'));
    const trail = await openAuditTrail({ dir: join(dataDir, 'audit'), masterKey: key, accountId: ACCOUNT, region: 'us-east-1' });
    await trail.record(s3Event('GetObject', 'carol', 'finance', 'q1.xlsx', { daysAgo: 40 }));
    await trail.record(s3Event('GetObject', 'carol', 'finance', 'q2.xlsx'));
    await trail.record(s3Event('ListObjectsV2', 'carol', 'finance'));
    await trail.record(s3Event('PutObject', 'carol', 'finance', 'q3.xlsx', { errorCode: 'AccessDenied' }));
    await trail.record(s3Event('PutObject', 'dave', 'finance', 'x'));
    await trail.close();

    const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'iam', ...args, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const last = run('last-accessed', 'carol', '--json');
    assert.equal(last.status, 0, last.stderr);
    const rows = (JSON.parse(last.stdout) as { actions: { action: string; requests: number }[] }).actions;
    assert.deepEqual(rows.map((r) => [r.action, r.requests]).sort(), [['s3:GetObject', 2], ['s3:ListBucket', 1]]);

    const out = join(dir, 'policy.json');
    const gen = run('generate-policy', 'carol', '--since', '30', '--output', out);
    assert.equal(gen.status, 0, gen.stderr);
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'Observed1', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::finance/q2.xlsx'] },
        { Sid: 'Observed2', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: ['arn:aws:s3:::finance'] },
      ],
    });
  });
});
