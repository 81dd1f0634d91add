/**
 * The free-form field guard on a real server: personal data and credentials in bucket names,
 * object key names, x-amz-meta-*, tags and IAM paths are refused with the right error and
 * nothing echoed (default), or accepted with an audit finding (warn), with per-bucket key modes.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCoffer, type Coffer } from '../harness.js';
import { auditEvents, iamAction, raw, xmlText } from './support.js';

const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
/** A French social security number (NIR) with a valid mod-97 key: lower-case digits fit a bucket name. */
const NIR = '185057800608491';
const SSN = '536-22-1234';
const IBAN = 'DE89370400440532013000';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq4vZ3ktQB';
const VALUES = [CARD, CARD_DIGITS, NIR, SSN, IBAN, AWS_SECRET, encodeURIComponent(AWS_SECRET), '4111'];

const tagging = (tags: Record<string, string>) =>
  `<Tagging><TagSet>${Object.entries(tags).map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;

function assertNoValue(text: string, what: string): void {
  for (const v of VALUES) assert.ok(!text.includes(v), `${what} must not contain a sensitive value`);
}

describe('free-form field guard, default mode (reject)', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer();
    assert.equal((await raw(coffer, { method: 'PUT', path: '/plain-bucket' })).status, 200);
  });
  after(async () => coffer.dispose());

  it('refuses PutObject with a card number in x-amz-meta-name: InvalidArgument naming the field and kind, nothing stored', async () => {
    const r = await raw(coffer, { method: 'PUT', path: '/plain-bucket/doc.txt', headers: { 'x-amz-meta-name': CARD }, body: 'hello' });
    assert.equal(r.status, 400);
    assert.equal(xmlText(r.body, 'Code'), 'InvalidArgument');
    assert.match(xmlText(r.body, 'Message')!, /^x-amz-meta-name contains what looks like a payment card number; free-form fields must not hold sensitive data\. Store it in the object body instead, or ask an administrator to set guards\.freeFormFields to warn\.$/);
    assertNoValue(r.body, 'the error response');
    assert.equal((await raw(coffer, { method: 'HEAD', path: '/plain-bucket/doc.txt' })).status, 404, 'nothing was stored');
  });

  it('refuses CreateBucket whose name carries a checksum-valid social security number', async () => {
    for (const name of [`nir-${NIR}`, `${SSN}-payroll`]) {
      const r = await raw(coffer, { method: 'PUT', path: `/${name}` });
      assert.equal(r.status, 400, name);
      assert.equal(xmlText(r.body, 'Code'), 'InvalidArgument');
      assert.match(xmlText(r.body, 'Message')!, /^bucket name contains what looks like a (French social security number \(NIR\)|US Social Security number);/);
      assert.ok(!xmlText(r.body, 'Message')!.includes(NIR) && !xmlText(r.body, 'Message')!.includes(SSN));
      assert.equal((await raw(coffer, { method: 'HEAD', path: `/${name}` })).status, 404, 'the bucket was not created');
    }
  });

  it('refuses object key names with personal data and tags with an AWS secret key, leaving the tags as they were', async () => {
    const key = await raw(coffer, { method: 'PUT', path: `/plain-bucket/cards/${CARD_DIGITS}.txt`, body: 'x' });
    assert.equal(xmlText(key.body, 'Code'), 'InvalidArgument');
    assert.match(xmlText(key.body, 'Message')!, /^object key name contains what looks like a payment card number;/);
    assert.ok(!xmlText(key.body, 'Message')!.includes(CARD_DIGITS));

    assert.equal((await raw(coffer, { method: 'PUT', path: '/plain-bucket/tagged.txt', body: 'x' })).status, 200);
    const named = await raw(coffer, { method: 'PUT', path: '/plain-bucket/tagged.txt', query: { tagging: '' }, body: tagging({ aws_secret_access_key: AWS_SECRET }) });
    assert.equal(named.status, 400);
    assert.equal(xmlText(named.body, 'Code'), 'InvalidArgument');
    assert.match(xmlText(named.body, 'Message')!, /^tag value \(tag 1\) contains what looks like an AWS secret access key;/);
    assertNoValue(named.body, 'the error response');
    const bare = await raw(coffer, { method: 'PUT', path: '/plain-bucket', query: { tagging: '' }, body: tagging({ backup: AWS_SECRET }) });
    assert.equal(xmlText(bare.body, 'Code'), 'InvalidArgument', 'a bare secret key as a bucket tag value');
    const header = await raw(coffer, { method: 'PUT', path: '/plain-bucket/h.txt', headers: { 'x-amz-tagging': `iban=${IBAN}` }, body: 'x' });
    assert.match(xmlText(header.body, 'Message')!, /^tag value \(tag 1\) contains what looks like an IBAN/);
    const tags = await raw(coffer, { method: 'GET', path: '/plain-bucket/tagged.txt', query: { tagging: '' } });
    assert.equal(tags.status, 200);
    assert.ok(!tags.body.includes('<Tag>'), 'the tag set is unchanged (empty)');
  });

  it('accepts ordinary names, metadata and tags', async () => {
    const r = await raw(coffer, { method: 'PUT', path: '/plain-bucket/reports/2024-03/invoice-20240301-000123.pdf', headers: { 'x-amz-meta-name': 'Quarterly report', 'x-amz-meta-order': '1234567', 'x-amz-tagging': 'project=apollo&cost-center=4711' }, body: 'x' });
    assert.equal(r.status, 200, r.body);
  });

  it('refuses CreateUser with an IBAN in its path: ValidationError naming Path, and no user', async () => {
    const r = await iamAction(coffer, 'CreateUser', { UserName: 'payroll-clerk', Path: `/${IBAN}/` });
    assert.equal(r.status, 400);
    assert.equal(xmlText(r.body, 'Code'), 'ValidationError');
    assert.match(xmlText(r.body, 'Message')!, /^Path contains what looks like an IBAN \(international bank account number\); free-form fields must not hold sensitive data\./);
    assertNoValue(r.body, 'the IAM error response');
    const get = await iamAction(coffer, 'GetUser', { UserName: 'payroll-clerk' });
    assert.equal(xmlText(get.body, 'Code'), 'NoSuchEntity');
    const tag = await iamAction(coffer, 'CreateRole', { RoleName: 'ci', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }), 'Tags.member.1.Key': 'aws_secret_access_key', 'Tags.member.1.Value': AWS_SECRET });
    assert.equal(xmlText(tag.body, 'Code'), 'ValidationError');
    assert.match(xmlText(tag.body, 'Message')!, /^tag value \(tag 1\) contains what looks like an AWS secret access key;/);
  });

  it('records each refusal in the audit trail as an errored request, without the value', async () => {
    await coffer.stop();
    const events = await auditEvents(coffer);
    const refused = events.filter((e) => e.event.errorCode === 'InvalidArgument' || e.event.errorCode === 'ValidationError');
    const names = refused.map((e) => e.event.eventName);
    for (const n of ['PutObject', 'CreateBucket', 'PutObjectTagging', 'PutBucketTagging', 'CreateUser', 'CreateRole']) assert.ok(names.includes(n), `${n} refusal audited: ${names.join(',')}`);
    const put = refused.find((e) => e.event.eventName === 'PutObject')!;
    assert.match(String(put.event.errorMessage), /x-amz-meta-name contains what looks like a payment card number/);
    assertNoValue(JSON.stringify(events), 'the audit trail');
  });
});

describe('free-form field guard, warn mode and per-bucket key names', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer({ env: { COFFER_GUARDS_FREE_FORM_FIELDS: 'warn' } });
  });
  after(async () => coffer.dispose());

  it('accepts each refused request and records the finding in its audit event, without the value', async () => {
    assert.equal((await raw(coffer, { method: 'PUT', path: `/nir-${NIR}` })).status, 200);
    assert.equal((await raw(coffer, { method: 'PUT', path: `/nir-${NIR}/doc.txt`, headers: { 'x-amz-meta-name': CARD }, body: 'hello' })).status, 200);
    assert.equal((await raw(coffer, { method: 'PUT', path: `/nir-${NIR}/doc.txt`, query: { tagging: '' }, body: tagging({ aws_secret_access_key: AWS_SECRET }) })).status, 200);
    const user = await iamAction(coffer, 'CreateUser', { UserName: 'payroll-clerk', Path: `/${IBAN}/` });
    assert.equal(user.status, 200, user.body);
    await coffer.stop();
    const events = await auditEvents(coffer);
    const finding = (name: string) => events.find((e) => e.event.eventName === name && e.event.additionalEventData?.guardFindings !== undefined)?.event.additionalEventData?.guardFindings as Array<Record<string, string>> | undefined;
    assert.deepEqual(finding('CreateBucket')?.map((f) => [f.field, f.kind, f.action]), [['bucket name', 'national-id', 'warned']]);
    assert.deepEqual(finding('PutObject')?.map((f) => [f.field, f.kind, f.action]), [['x-amz-meta-name', 'payment-card', 'warned']]);
    assert.deepEqual(finding('PutObjectTagging')?.map((f) => [f.field, f.kind]), [['tag value (tag 1)', 'aws-secret-key']]);
    assert.deepEqual(finding('CreateUser')?.map((f) => [f.field, f.kind, f.action]), [['Path', 'iban', 'warned']]);
    assertNoValue(JSON.stringify(events), 'the audit trail');
    assertNoValue(coffer.stderr() + coffer.stdout(), 'the server log');
  });
});

describe('free-form field guard, per-bucket mode for object key names', () => {
  let coffer: Coffer;
  before(async () => {
    coffer = await startCoffer({ env: { COFFER_GUARDS_OBJECT_KEY_NAMES: 'legacy-import=warn' } });
    for (const b of ['legacy-import', 'strict-bucket']) assert.equal((await raw(coffer, { method: 'PUT', path: `/${b}` })).status, 200);
  });
  after(async () => coffer.dispose());

  it('accepts such key names in the bucket set to warn and refuses them elsewhere; metadata stays guarded', async () => {
    assert.equal((await raw(coffer, { method: 'PUT', path: `/legacy-import/cards/${CARD_DIGITS}.txt`, body: 'x' })).status, 200);
    assert.equal(xmlText((await raw(coffer, { method: 'PUT', path: `/strict-bucket/cards/${CARD_DIGITS}.txt`, body: 'x' })).body, 'Code'), 'InvalidArgument');
    assert.equal(xmlText((await raw(coffer, { method: 'PUT', path: '/legacy-import/a.txt', headers: { 'x-amz-meta-name': CARD }, body: 'x' })).body, 'Code'), 'InvalidArgument');
  });
});
