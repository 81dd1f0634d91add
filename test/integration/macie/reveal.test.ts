import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetSessionTokenCommand, STSClient } from '@aws-sdk/client-sts';
import { GetSensitiveDataOccurrencesCommand, ListFindingsCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { startCoffer } from '../harness.js';

describe('GetSensitiveDataOccurrences', () => {
  it('fails without an MFA session and reveals the values with one, which never reach the audit trail', async () => {
    const coffer = await startCoffer();
    try {
      const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
      type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
      const cfg = (credentials: Creds) => ({ endpoint: coffer.endpoint, region: 'us-east-1', credentials, requestHandler });
      const iam = new IAMClient(cfg({ accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }));
      await iam.send(new CreateUserCommand({ UserName: 'investigator' }));
      await iam.send(new PutUserPolicyCommand({
        UserName: 'investigator', PolicyName: 'macie-read',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['macie2:List*', 'macie2:Get*', 'iam:*MFADevice*', 'sts:GetSessionToken'], Resource: '*' }] }),
      }));
      const ak = (await iam.send(new CreateAccessKeyCommand({ UserName: 'investigator' }))).AccessKey!;
      const longTerm: Creds = { accessKeyId: ak.AccessKeyId!, secretAccessKey: ak.SecretAccessKey! };
      await coffer.client().send(new CreateBucketCommand({ Bucket: 'cases' }));
      await coffer.client().send(new PutObjectCommand({ Bucket: 'cases', Key: 'case-1.txt', Body: 'card 4111 1111 1111 1111\nSSN 536-90-4399\n' }));

      const plain = new Macie2Client(cfg(longTerm));
      let ids: string[] = [];
      for (let i = 0; i < 200 && ids.length === 0; i++) {
        ids = (await plain.send(new ListFindingsCommand({}))).findingIds ?? [];
        if (ids.length === 0) await new Promise((r) => setTimeout(r, 150));
      }
      assert.equal(ids.length, 1);
      await assert.rejects(plain.send(new GetSensitiveDataOccurrencesCommand({ findingId: ids[0]! })), (e: Error) => e.name === 'AccessDeniedException' && /MFA/.test(e.message));

      const asUser = new IAMClient(cfg(longTerm));
      const dev = (await asUser.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'investigator' }))).VirtualMFADevice!;
      const seed = base32Decode(Buffer.from(dev.Base32StringSeed!).toString('utf8'));
      const step = timeStep(Date.now());
      await asUser.send(new EnableMFADeviceCommand({ UserName: 'investigator', SerialNumber: dev.SerialNumber!, AuthenticationCode1: hotp(seed, step - 1), AuthenticationCode2: hotp(seed, step) }));
      const session = (await new STSClient(cfg(longTerm)).send(new GetSessionTokenCommand({ SerialNumber: dev.SerialNumber!, TokenCode: hotp(seed, step + 1), DurationSeconds: 900 }))).Credentials!;
      const withMfa = new Macie2Client(cfg({ accessKeyId: session.AccessKeyId!, secretAccessKey: session.SecretAccessKey!, sessionToken: session.SessionToken! }));
      const revealed = await withMfa.send(new GetSensitiveDataOccurrencesCommand({ findingId: ids[0]! }));
      assert.equal(revealed.status, 'SUCCESS');
      assert.deepEqual(revealed.sensitiveDataOccurrences?.CREDIT_CARD_NUMBER, [{ value: '4111 1111 1111 1111' }]);
      assert.deepEqual(revealed.sensitiveDataOccurrences?.USA_SOCIAL_SECURITY_NUMBER, [{ value: '536-90-4399' }]);
      await coffer.stop();

      const { key: master } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
      const reveals = [];
      for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), master)) {
        const text = JSON.stringify(e.event);
        assert.doesNotMatch(text, /4111 1111 1111 1111|536-90-4399/);
        if (e.event.eventName === 'GetSensitiveDataOccurrences') reveals.push(e.event);
      }
      assert.equal(reveals.length, 2);
      assert.deepEqual(reveals.map((e) => e.errorCode ?? 'ok').sort(), ['AccessDeniedException', 'ok']);
    } finally {
      await coffer.dispose();
    }
  });
});
