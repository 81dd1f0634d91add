import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import https from 'node:https';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { startCoffer } from '../harness.js';

describe('audit trail of IAM requests', () => {
  it('records management events, denied and failed ones included, without passwords or new secret keys', async () => {
    const coffer = await startCoffer();
    try {
      const requestHandler = new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) });
      const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler });
      await iam.send(new CreateUserCommand({ UserName: 'auditee' }));
      const password = 'Correct-Horse-Battery-9';
      await iam.send(new CreateLoginProfileCommand({ UserName: 'auditee', Password: password }));
      const key = await iam.send(new CreateAccessKeyCommand({ UserName: 'auditee' }));
      const secret = key.AccessKey!.SecretAccessKey!;
      // The new user has no policy: denied. A wrong secret: failed authentication.
      const asUser = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: key.AccessKey!.AccessKeyId!, secretAccessKey: secret }, requestHandler });
      await assert.rejects(asUser.send(new ListUsersCommand({})), (e: Error) => e.name === 'AccessDenied');
      const wrong = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: 'not-the-secret-not-the-secret-not-the-sec' }, requestHandler });
      await assert.rejects(wrong.send(new ListUsersCommand({})), (e: Error) => e.name === 'SignatureDoesNotMatch');
      await coffer.stop();

      const { key: master } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
      const events = [];
      for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), master)) events.push(e.event);
      const iamEvents = events.filter((e) => e.eventSource === 'iam.amazonaws.com');
      const byName = (n: string) => iamEvents.filter((e) => e.eventName === n);
      const created = byName('CreateUser')[0];
      assert.ok(created, 'CreateUser is recorded');
      assert.equal(created.managementEvent, true);
      assert.equal(created.eventCategory, 'Management');
      assert.equal(created.readOnly, false);
      assert.equal(created.userIdentity.accessKeyId, coffer.accessKeyId);
      assert.deepEqual(created.requestParameters, { userName: 'auditee' });
      assert.equal((created.additionalEventData?.policyDecision as { decision: string }).decision, 'Allow');
      assert.ok(created.tlsDetails?.tlsVersion, 'TLS details are recorded');
      const lists = byName('ListUsers');
      assert.ok(lists.some((e) => e.errorCode === 'AccessDenied' && e.userIdentity.userName === 'auditee'), 'the denied call is recorded with its caller');
      assert.ok(lists.some((e) => e.errorCode === 'SignatureDoesNotMatch' && e.userIdentity.type === 'Unknown'), 'the failed authentication is recorded');
      assert.ok(byName('CreateLoginProfile').length === 1 && byName('CreateAccessKey').length === 1);
      const text = JSON.stringify(events);
      for (const s of [password, secret, 'not-the-secret-not-the-secret-not-the-sec', coffer.secretAccessKey]) assert.ok(!text.includes(s), 'no secret in the trail');
    } finally {
      await coffer.dispose();
    }
  });
});
