/**
 * Actions on findings, end to end: a version with card numbers and SSNs is quarantined
 * (discovery.quarantine *=high), a normal reader is refused while an administrator reads, a
 * release with the AWS CLI restores access and keeps the other tags, a signed notification reaches
 * an HTTPS webhook after a failed first attempt, and every action is an audit event.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketPolicyCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutObjectCommand, PutObjectTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { ListFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createLocalCa, issueServerCertificate } from '../../../src/tls/index.js';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { startCoffer, type Coffer } from '../harness.js';
import { macieTestEnv } from './env.js';

const SECRET_BODY = 'card 4111 1111 1111 1111 exp 12/29\nSSN 536-90-4399\n';
const WEBHOOK_SECRET = 'f3c1d7e0a9b84f6c2e5d1a7b9c3e8f4a0b6d2c8e';

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
  status: number;
}

describe('quarantine and finding notifications', () => {
  let coffer: Coffer;
  let reader: S3Client;
  let hook: https.Server;
  let dir: string;
  const received: Received[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'coffer-webhook-'));
    const ca = await createLocalCa({ commonName: 'Webhook Test CA' });
    const cert = await issueServerCertificate({ ca, names: ['127.0.0.1'], days: 2 });
    writeFileSync(join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(join(dir, 'webhook.secret'), `${WEBHOOK_SECRET}\n`, { mode: 0o600 });
    // The receiver fails the first delivery (503), so the retry with back-off is exercised.
    hook = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = received.length === 0 ? 503 : 204;
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const port = (hook.address() as AddressInfo).port;

    coffer = await startCoffer({
      env: macieTestEnv({
        COFFER_DISCOVERY_QUARANTINE: '*=high',
        COFFER_DISCOVERY_WEBHOOK_URLS: `https://127.0.0.1:${port}/coffer/findings`,
        COFFER_DISCOVERY_WEBHOOK_SECRET_FILE: join(dir, 'webhook.secret'),
        // The receiver's private CA, the standard Node.js way.
        NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'),
      }),
    });
    const handler = () => new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
    const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: handler() });
    await iam.send(new CreateUserCommand({ UserName: 'analyst' }));
    await iam.send(new PutUserPolicyCommand({
      UserName: 'analyst', PolicyName: 'read-hr',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectTagging', 's3:PutObjectTagging'], Resource: 'arn:aws:s3:::hr-files/*' }] }),
    }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'analyst' }))).AccessKey!;
    iam.destroy();
    reader = new S3Client({ endpoint: coffer.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! }, requestHandler: handler() });
    const admin = coffer.client();
    await admin.send(new CreateBucketCommand({ Bucket: 'hr-files' }));
    // Anonymous reads from loopback (a network-pinned policy is not public, so Block Public Access allows it).
    await admin.send(new PutBucketPolicyCommand({
      Bucket: 'hr-files',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::hr-files/*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }] }),
    }));
    await admin.send(new PutObjectCommand({ Bucket: 'hr-files', Key: 'menu.txt', Body: 'soup of the day\n' }));
    await admin.send(new PutObjectCommand({ Bucket: 'hr-files', Key: 'payroll.txt', Body: SECRET_BODY, Tagging: 'team=hr' }));
  });

  after(async () => {
    reader?.destroy();
    await coffer?.dispose();
    await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const tagsOf = async (key: string) => {
    const r = await coffer.client().send(new GetObjectTaggingCommand({ Bucket: 'hr-files', Key: key }));
    return Object.fromEntries((r.TagSet ?? []).map((t) => [t.Key!, t.Value!]));
  };
  const until = async (what: string, fn: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 30_000;
    while (!(await fn())) {
      assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const anonymousGet = (path: string) =>
    new Promise<number>((resolve, reject) => {
      https.get({ host: 'localhost', port: coffer.port, path, ca: coffer.ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
  const refusal = (p: Promise<unknown>) => p.then(() => null, (e: Error & { $metadata?: { httpStatusCode?: number } }) => e);

  it('quarantines the sensitive version: a normal reader is refused with what to do, an administrator reads it', async () => {
    await until('the quarantine tag', async () => (await tagsOf('payroll.txt'))['coffer:quarantine'] === 'active');
    const denied = await refusal(reader.send(new GetObjectCommand({ Bucket: 'hr-files', Key: 'payroll.txt' })));
    assert.ok(denied);
    assert.equal(denied.name, 'AccessDenied');
    assert.match(denied.message, /quarantined/);
    assert.match(denied.message, /coffer:GetQuarantinedObject/);
    assert.match(denied.message, /coffer:quarantine,Value=released/);
    assert.doesNotMatch(denied.message, /4111|536-90/);
    const head = await refusal(reader.send(new HeadObjectCommand({ Bucket: 'hr-files', Key: 'payroll.txt' })));
    assert.equal(head?.$metadata?.httpStatusCode, 403);
    // The clean object stays readable; the administrator (allowed *) still reads the quarantined one.
    assert.equal(await (await reader.send(new GetObjectCommand({ Bucket: 'hr-files', Key: 'menu.txt' }))).Body!.transformToString(), 'soup of the day\n');
    assert.equal(await (await coffer.client().send(new GetObjectCommand({ Bucket: 'hr-files', Key: 'payroll.txt' }))).Body!.transformToString(), SECRET_BODY);
    assert.equal((await tagsOf('menu.txt'))['coffer:quarantine'], undefined);
    // Anonymous callers never read a quarantined version, whatever the bucket policy allows.
    assert.equal(await anonymousGet('/hr-files/payroll.txt'), 403);
    assert.equal(await anonymousGet('/hr-files/menu.txt'), 200);
  });

  it('refuses a release by a principal without coffer:ReleaseQuarantinedObject, and a forged tag changes nothing', async () => {
    const denied = await refusal(reader.send(new PutObjectTaggingCommand({ Bucket: 'hr-files', Key: 'payroll.txt', Tagging: { TagSet: [{ Key: 'coffer:quarantine', Value: 'released' }] } })));
    assert.equal(denied?.name, 'AccessDenied');
    const mixed = await refusal(reader.send(new PutObjectTaggingCommand({ Bucket: 'hr-files', Key: 'payroll.txt', Tagging: { TagSet: [{ Key: 'coffer:quarantine', Value: 'released' }, { Key: 'team', Value: 'x' }] } })));
    assert.equal(mixed?.name, 'InvalidTag');
    assert.deepEqual(await tagsOf('payroll.txt'), { 'coffer:quarantine': 'active', team: 'hr' });
  });

  it('an administrator releases it with the AWS CLI; the reader gets it again and the other tags are kept', async () => {
    const out = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile('/usr/bin/aws', ['--endpoint-url', coffer.endpoint, '--ca-bundle', coffer.caCertFile, 's3api', 'put-object-tagging', '--bucket', 'hr-files', '--key', 'payroll.txt', '--tagging', 'TagSet=[{Key=coffer:quarantine,Value=released}]'], { env: coffer.cliEnv(), timeout: 60_000 }, (err, _o, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
    });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(await tagsOf('payroll.txt'), { 'coffer:quarantine': 'released', team: 'hr' });
    const got = await reader.send(new GetObjectCommand({ Bucket: 'hr-files', Key: 'payroll.txt' }));
    assert.equal(await got.Body!.transformToString(), SECRET_BODY);
  });

  it('delivers a signed, Macie-shaped notification of the finding, retried after a failure', async () => {
    await until('a successful delivery', () => received.some((r) => r.status === 204));
    const ok = received.find((r) => r.status === 204)!;
    const first = received[0]!;
    assert.equal(first.status, 503);
    assert.equal(ok.headers['x-coffer-delivery'], first.headers['x-coffer-delivery'], 'a retry keeps the delivery id');
    const sig = String(ok.headers['x-coffer-signature']);
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(sig);
    assert.ok(m, sig);
    const expected = createHmac('sha256', WEBHOOK_SECRET).update(`${m[1]}.${ok.body}`).digest('hex');
    assert.equal(m[2], expected);
    assert.ok(Math.abs(Date.now() / 1000 - Number(m[1])) < 300);
    assert.doesNotMatch(ok.body, /4111|536-90-4399/);
    const note = JSON.parse(ok.body) as { 'detail-type': string; source: string; detail: { id: string; severity: { description: string }; resourcesAffected: { s3Object: { key: string } } } };
    assert.equal(note['detail-type'], 'Macie Finding');
    assert.equal(note.source, 'aws.macie');
    assert.equal(note.detail.severity.description, 'High');
    assert.equal(note.detail.resourcesAffected.s3Object.key, 'payroll.txt');
    const macie = new Macie2Client({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }) });
    const ids = (await macie.send(new ListFindingsCommand({}))).findingIds ?? [];
    macie.destroy();
    assert.deepEqual(ids, [note.detail.id]);
  });

  it('records the finding, the quarantine, the release and the deliveries in the audit trail', async () => {
    await coffer.stop();
    const { key: master } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
    const events: { eventName: string; eventType: string; additionalEventData?: Record<string, unknown>; requestParameters?: unknown }[] = [];
    for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), master)) events.push(e.event as never);
    const named = (n: string) => events.filter((e) => e.eventName === n);
    assert.equal(named('CreateFinding').length, 1);
    assert.equal(named('CreateFinding')[0]!.eventType, 'AwsServiceEvent');
    assert.equal(named('CreateFinding')[0]!.additionalEventData?.quarantined, true);
    assert.equal(named('QuarantineObject').length, 1);
    const deliveries = named('DeliverFindingNotification');
    assert.equal(deliveries.length, 1);
    assert.equal(deliveries[0]!.additionalEventData?.state, 'delivered');
    assert.equal(deliveries[0]!.additionalEventData?.attempts, 2);
    assert.ok(named('PutObjectTagging').length >= 3, 'the refused and accepted releases are recorded');
    for (const e of events) assert.doesNotMatch(JSON.stringify(e), /4111 1111|536-90-4399/);
  });
});
