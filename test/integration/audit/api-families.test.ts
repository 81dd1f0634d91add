/**
 * Every API family (S3, IAM, STS, KMS) produces correctly shaped CloudTrail events, for allowed,
 * denied and failed (authentication, MFA) requests, and no secret that went through those
 * requests reaches the trail. The guards canary test (test/integration/guards) sweeps every
 * request path for leaks; this one checks the audit-specific shapes: CloudTrail's envelope on
 * every record, sessionContext for STS sessions, serialNumber without tokenCode, credentials
 * without the secret or token, the SSE-C key MD5 without the key, policy decisions.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient, ListUsersCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateKeyCommand, EncryptCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readAuditEvents, type AuditEvent } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { startCoffer } from '../harness.js';

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** CloudTrail's envelope, present on every record whatever the outcome. */
function assertEnvelope(e: AuditEvent, account: string): void {
  const where = `${e.eventSource} ${e.eventName} ${e.errorCode ?? ''}`;
  assert.equal(e.eventVersion, '1.08', where);
  assert.match(e.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, where);
  assert.match(e.eventSource, /^[a-z0-9]+\.amazonaws\.com$/, where);
  assert.match(e.eventName, /^[A-Za-z0-9]+$/, where);
  assert.equal(e.awsRegion, 'us-east-1', where);
  assert.equal(e.sourceIPAddress, '127.0.0.1', where);
  assert.match(e.eventID, /^[0-9a-f-]{36}$/, where);
  assert.ok(e.requestID.length > 0, where);
  assert.equal(typeof e.readOnly, 'boolean', where);
  assert.equal(e.eventType, 'AwsApiCall', where);
  assert.equal(e.recipientAccountId, account, where);
  assert.equal(e.managementEvent, e.eventCategory === 'Management', where);
  assert.ok(e.tlsDetails?.tlsVersion?.startsWith('TLSv1.'), where);
  assert.ok(e.userIdentity && typeof e.userIdentity.type === 'string', where);
  assert.ok(e.requestParameters === null || typeof e.requestParameters === 'object', where);
}

describe('audit events of every API family', () => {
  it('are CloudTrail-shaped for allowed, denied and failed requests and hold no secret', { timeout: 300_000 }, async () => {
    const coffer = await startCoffer();
    try {
      const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
      const cfg = (c: Creds) => ({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: c, requestHandler });
      const admin: Creds = { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey };
      const iam = new IAMClient(cfg(admin));
      const secrets: Record<string, string> = { adminSecret: admin.secretAccessKey };

      // A user allowed everything (so requests succeed), and one with no policy (so they are denied).
      await iam.send(new CreateUserCommand({ UserName: 'worker' }));
      await iam.send(new PutUserPolicyCommand({ UserName: 'worker', PolicyName: 'all', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) }));
      const wk = (await iam.send(new CreateAccessKeyCommand({ UserName: 'worker' }))).AccessKey!;
      const worker: Creds = { accessKeyId: wk.AccessKeyId!, secretAccessKey: wk.SecretAccessKey! };
      secrets.workerSecret = worker.secretAccessKey;
      secrets.password = 'Audit-Password-42-xyz';
      await iam.send(new CreateLoginProfileCommand({ UserName: 'worker', Password: secrets.password }));
      await iam.send(new CreateUserCommand({ UserName: 'outsider' }));
      const ok = (await iam.send(new CreateAccessKeyCommand({ UserName: 'outsider' }))).AccessKey!;
      const outsider: Creds = { accessKeyId: ok.AccessKeyId!, secretAccessKey: ok.SecretAccessKey! };
      secrets.outsiderSecret = outsider.secretAccessKey;

      // MFA: a virtual device enabled with two codes, then an MFA session from STS (and a bad code).
      const asWorker = new IAMClient(cfg(worker));
      const dev = (await asWorker.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'worker' }))).VirtualMFADevice!;
      const seedText = Buffer.from(dev.Base32StringSeed!).toString('utf8');
      secrets.seed = seedText;
      const seed = base32Decode(seedText);
      const step = timeStep(Date.now());
      const [c1, c2, c3] = [hotp(seed, step - 1), hotp(seed, step), hotp(seed, step + 1)];
      Object.assign(secrets, { code1: c1, code2: c2, code3: c3 });
      await asWorker.send(new EnableMFADeviceCommand({ UserName: 'worker', SerialNumber: dev.SerialNumber!, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
      const sts = new STSClient(cfg(worker));
      const badCode = hotp(seed, step + 30);
      await assert.rejects(sts.send(new GetSessionTokenCommand({ SerialNumber: dev.SerialNumber!, TokenCode: badCode })));
      const session = (await sts.send(new GetSessionTokenCommand({ SerialNumber: dev.SerialNumber!, TokenCode: c3, DurationSeconds: 900 }))).Credentials!;
      const mfaSession: Creds = { accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! };
      Object.assign(secrets, { sessionSecret: mfaSession.secretAccessKey, sessionToken: mfaSession.sessionToken! });

      // S3 with the MFA session: SSE-C write, presigned read.
      const s3 = new S3Client({ ...cfg(mfaSession), forcePathStyle: true });
      await s3.send(new CreateBucketCommand({ Bucket: 'families' }));
      const customerKey = randomBytes(32);
      secrets.sseKey = customerKey.toString('base64');
      const keyMd5 = createHash('md5').update(customerKey).digest('base64');
      await s3.send(new PutObjectCommand({ Bucket: 'families', Key: 'c.txt', Body: 'customer-keyed', SSECustomerAlgorithm: 'AES256', SSECustomerKey: secrets.sseKey, SSECustomerKeyMD5: keyMd5 }));
      const url = new URL(await getSignedUrl(s3, new GetObjectCommand({ Bucket: 'families', Key: 'c.txt', SSECustomerAlgorithm: 'AES256', SSECustomerKey: secrets.sseKey, SSECustomerKeyMD5: keyMd5 }), { expiresIn: 60 }));
      secrets.presignedSignature = url.searchParams.get('X-Amz-Signature')!;
      await new Promise<void>((resolve, reject) => {
        https.get({ host: 'localhost', port: coffer.port, path: url.pathname + url.search, ca: coffer.ca, headers: { 'x-amz-server-side-encryption-customer-algorithm': 'AES256', 'x-amz-server-side-encryption-customer-key': secrets.sseKey!, 'x-amz-server-side-encryption-customer-key-md5': keyMd5 } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`presigned GET ${res.statusCode}`))));
        }).on('error', reject);
      });

      // KMS with the MFA session; denied calls by the outsider; failed authentication on STS and KMS.
      const kms = new KMSClient(cfg(mfaSession));
      const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata!;
      const plaintext = 'kms plaintext must not be in the trail';
      secrets.plaintext = plaintext;
      await kms.send(new EncryptCommand({ KeyId: key.KeyId!, Plaintext: Buffer.from(plaintext) }));
      await assert.rejects(new S3Client({ ...cfg(outsider), forcePathStyle: true }).send(new ListBucketsCommand({})));
      await assert.rejects(new KMSClient(cfg(outsider)).send(new ListKeysCommand({})));
      await assert.rejects(new IAMClient(cfg(outsider)).send(new ListUsersCommand({})));
      const wrong = { accessKeyId: worker.accessKeyId, secretAccessKey: 'wrong-secret-wrong-secret-wrong-secret-00' };
      secrets.wrongSecret = wrong.secretAccessKey;
      await assert.rejects(new STSClient(cfg(wrong)).send(new GetSessionTokenCommand({})));
      await assert.rejects(new KMSClient(cfg(wrong)).send(new ListKeysCommand({})));
      await coffer.stop();

      const { key: master } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
      const events: AuditEvent[] = [];
      for await (const s of readAuditEvents(join(coffer.dataDir, 'audit'), master)) events.push(s.event);
      const account = events.find((e) => e.userIdentity.accountId)!.userIdentity.accountId!;
      for (const e of events) assertEnvelope(e, account);
      const find = (source: string, name: string, pred: (e: AuditEvent) => boolean = () => true) => {
        const e = events.find((x) => x.eventSource === `${source}.amazonaws.com` && x.eventName === name && pred(x));
        assert.ok(e, `${source} ${name} is recorded`);
        return e;
      };

      // STS: the MFA serial is recorded, the code is not; credentials without secret or token.
      const gst = find('sts', 'GetSessionToken', (e) => !e.errorCode);
      assert.equal((gst.requestParameters as Record<string, unknown>).serialNumber, dev.SerialNumber);
      assert.ok(!('tokenCode' in (gst.requestParameters as object)));
      const creds = (gst.responseElements as { credentials: Record<string, unknown> }).credentials;
      assert.equal(creds.accessKeyId, mfaSession.accessKeyId);
      assert.ok(!('secretAccessKey' in creds));
      assert.equal(gst.userIdentity.userName, 'worker');
      assert.equal(gst.userIdentity.type, 'IAMUser');
      const badMfa = find('sts', 'GetSessionToken', (e) => e.errorCode !== undefined && e.userIdentity.userName === 'worker');
      assert.equal(badMfa.readOnly, false);

      // Requests made with the MFA session carry its sessionContext.
      const put = find('s3', 'PutObject');
      assert.equal(put.eventCategory, 'Data');
      assert.equal(put.userIdentity.accessKeyId, mfaSession.accessKeyId);
      assert.match(put.userIdentity.accessKeyId!, /^ASIA/);
      assert.equal(put.userIdentity.sessionContext?.attributes.mfaAuthenticated, 'true');
      assert.match(put.userIdentity.sessionContext!.attributes.creationDate, /Z$/);
      assert.deepEqual(put.resources?.map((r) => r.type), ['AWS::S3::Object', 'AWS::S3::Bucket']);
      assert.equal((put.requestParameters as Record<string, unknown>)['x-amz-server-side-encryption-customer-key-MD5'], keyMd5);
      assert.equal((put.additionalEventData?.policyDecision as { decision: string }).decision, 'Allow');
      const get = find('s3', 'GetObject');
      assert.equal(get.additionalEventData?.AuthenticationMethod, 'QueryString');
      assert.equal(get.readOnly, true);
      const bucket = find('s3', 'CreateBucket');
      assert.equal(bucket.eventCategory, 'Management');

      const encrypt = find('kms', 'Encrypt');
      assert.equal(encrypt.eventCategory, 'Management');
      assert.equal(encrypt.userIdentity.sessionContext?.attributes.mfaAuthenticated, 'true');
      find('kms', 'CreateKey');
      find('iam', 'EnableMFADevice');

      // Denied: the caller is named, the decision is not Allow, nothing else changes.
      for (const [source, name] of [['s3', 'ListBuckets'], ['kms', 'ListKeys'], ['iam', 'ListUsers']] as const) {
        const denied = find(source, name, (e) => e.userIdentity.userName === 'outsider');
        assert.match(denied.errorCode ?? '', /AccessDenied/);
        assert.notEqual((denied.additionalEventData?.policyDecision as { decision?: string } | undefined)?.decision ?? 'none', 'Allow');
      }
      // Failed authentication: the claimed key id, no principal.
      for (const [source, name] of [['sts', 'GetSessionToken'], ['kms', 'ListKeys']] as const) {
        const failed = find(source, name, (e) => e.userIdentity.type === 'Unknown');
        assert.equal(failed.userIdentity.accessKeyId, worker.accessKeyId);
        assert.match(failed.errorCode ?? '', /Signature/);
      }

      const text = JSON.stringify(events);
      const leaked = Object.entries(secrets).filter(([, v]) => v.length >= 6 && (text.includes(v) || text.includes(encodeURIComponent(v))));
      assert.deepEqual(leaked.map(([k]) => k), [], 'no secret in the trail');
      // MFA codes are 6 digits: look for them as whole tokens only.
      for (const c of [c1, c2, c3, badCode]) assert.doesNotMatch(text, new RegExp(`(?<![0-9A-Za-z])${c}(?![0-9A-Za-z])`), 'an MFA code in the trail');
    } finally {
      await coffer.dispose();
    }
  });
});
