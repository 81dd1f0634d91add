/**
 * The free-form field guard on the services behind the service route: a KMS key description,
 * alias or tag, an STS role session name and a Macie custom identifier name holding personal
 * data are refused with the service's validation error (field and kind named, value never
 * echoed) and change nothing; in warn mode the same request succeeds and its event carries the
 * finding without the value.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, KMSClient, ListAliasesCommand, ListKeysCommand } from '@aws-sdk/client-kms';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateCustomDataIdentifierCommand, ListCustomDataIdentifiersCommand, Macie2Client } from '@aws-sdk/client-macie2';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { startCoffer, type Coffer } from '../harness.js';

const CARD = '4111111111111111';

function clients(c: Coffer) {
  const base = { endpoint: c.endpoint, region: 'us-east-1', credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: c.ca }) }) };
  return { kms: new KMSClient(base), sts: new STSClient(base), iam: new IAMClient(base), macie: new Macie2Client(base) };
}

const refusedWithoutValue = (field: string) => (e: Error & { $metadata?: { httpStatusCode?: number } }) => {
  assert.match(e.name, /^ValidationE(rror|xception)$/, e.name);
  assert.equal(e.$metadata?.httpStatusCode, 400);
  assert.ok(e.message.includes(field), e.message);
  assert.match(e.message, /payment card number/);
  assert.ok(!e.message.includes(CARD), 'the value is never echoed');
  return true;
};

describe('free-form field guard on KMS, STS and Macie', () => {
  it('refuses personal data in stored names and descriptions and changes nothing', async () => {
    const coffer = await startCoffer();
    const { kms, sts, iam, macie } = clients(coffer);
    try {
      const keysBefore = (await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0;
      await assert.rejects(kms.send(new CreateKeyCommand({ Description: `billing for card ${CARD}` })), refusedWithoutValue('Description'));
      await assert.rejects(kms.send(new CreateKeyCommand({ Tags: [{ TagKey: 'owner', TagValue: CARD }] })), refusedWithoutValue('tag value'));
      assert.equal((await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0, keysBefore, 'no key was created');
      const keyId = (await kms.send(new CreateKeyCommand({ Description: 'team key' }))).KeyMetadata!.KeyId!;
      await assert.rejects(kms.send(new CreateAliasCommand({ AliasName: `alias/${CARD}`, TargetKeyId: keyId })), refusedWithoutValue('AliasName'));
      assert.ok(!JSON.stringify((await kms.send(new ListAliasesCommand({}))).Aliases ?? []).includes(CARD));

      // The guard runs before the trust policy is even read: any role will do.
      const role = await iam.send(new CreateRoleCommand({ RoleName: 'guarded', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) }));
      await assert.rejects(sts.send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: `s-${CARD}` })), refusedWithoutValue('RoleSessionName'));

      await assert.rejects(macie.send(new CreateCustomDataIdentifierCommand({ name: `id ${CARD}`, regex: 'EMP-[0-9]{6}' })), refusedWithoutValue('name'));
      assert.equal((await macie.send(new ListCustomDataIdentifiersCommand({}))).items?.length ?? 0, 0, 'no identifier was created');
    } finally {
      await coffer.dispose();
    }
  });

  it('accepts them in warn mode and records the finding without the value', async () => {
    const coffer = await startCoffer({ env: { COFFER_GUARDS_FREE_FORM_FIELDS: 'warn' } });
    const { kms } = clients(coffer);
    try {
      await kms.send(new CreateKeyCommand({ Description: `billing for card ${CARD}` }));
      await coffer.stop();
      const { key } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
      const events = [];
      for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), key)) events.push(e.event);
      const created = events.find((e) => e.eventName === 'CreateKey' && !e.errorCode);
      assert.ok(created, 'the key was created');
      const findings = created.additionalEventData?.guardFindings as { field: string; kind: string }[];
      assert.deepEqual(findings.map((f) => [f.field, f.kind]), [['Description', 'payment-card']]);
      assert.ok(!JSON.stringify(events).includes(CARD), 'the value is not in the trail');
    } finally {
      await coffer.dispose();
    }
  });
});
