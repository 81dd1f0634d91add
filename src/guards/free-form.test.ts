import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCofferError } from '../shared/index.js';
import { checkFreeFormField, createFieldGuard } from './free-form.js';

const CARD = '4111 1111 1111 1111';
const IBAN = 'DE89370400440532013000';
const SSN = '536-22-1234';
/** A French NIR with a valid key (97 - first 13 digits mod 97). */
const NIR = '185057800608491';
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq4vZ3ktQB';

/** Ordinary names that must never be refused. */
const ORDINARY = [
  'photos/2024/holiday/IMG_0001.jpg', 'alice', 'invoice-20240301-000123.pdf', 'report-2024-03.csv', 'backups',
  'my-bucket-01', 'logs/2024/11/28/22/app.log.gz', '/engineering/platform/', 'ci-deploy-role', 'Read-only access for auditors',
  'sha1-2fd4e1c67a2d28fced849ee1bb76e7391b93eb12', 'order 1234567', 'v1.2.3.4', 'data/part-00000-of-00016.parquet',
  'AKIAIOSFODNN7EXAMPLE', 'user_12345', 'tenant-550e8400-e29b-41d4-a716-446655440000',
];

describe('checkFreeFormField', () => {
  it('finds a payment card number and names the kind without the value', () => {
    const f = checkFreeFormField('x-amz-meta-name', `card ${CARD}`);
    assert.ok(f);
    assert.equal(f.kind, 'payment-card');
    assert.equal(f.field, 'x-amz-meta-name');
    assert.ok(!JSON.stringify(f).includes('4111'), 'the finding carries no part of the value');
  });

  it('finds an IBAN in an IAM path, a SSN at the start of a name and a NIR inside a bucket name', () => {
    assert.equal(checkFreeFormField('Path', `/${IBAN}/`)?.kind, 'iban');
    assert.equal(checkFreeFormField('bucket name', `${SSN}-payroll`)?.kind, 'national-id');
    assert.equal(checkFreeFormField('bucket name', `payroll-${NIR}`)?.identifier, 'FRANCE_NATIONAL_IDENTIFICATION_NUMBER');
  });

  it('reads a separator between a word and a number as a space, so a hyphen does not hide an SSN', () => {
    assert.equal(checkFreeFormField('object key name', `payroll-${SSN}.csv`)?.kind, 'national-id');
    assert.equal(checkFreeFormField('object key name', 'ssn_536221234')?.kind, 'national-id');
  });

  it('finds an AWS secret key in a value named by its tag key, or as a whole value', () => {
    assert.equal(checkFreeFormField('tag value', AWS_SECRET, { context: ['aws_secret_access_key'] })?.kind, 'aws-secret-key');
    assert.equal(checkFreeFormField('tag value', AWS_SECRET, { value: true })?.kind, 'aws-secret-key');
    assert.equal(checkFreeFormField('object key name', AWS_SECRET), null, 'a name of that shape alone is not refused');
  });

  it('finds private keys, tokens and URLs with passwords', () => {
    assert.equal(checkFreeFormField('Description', 'ghp_1234567890abcdefghijABCDEFGHIJ123456')?.kind, 'access-token');
    assert.equal(checkFreeFormField('Description', 'see https://bob:hunter22@example.com/x')?.kind, 'password');
  });

  it('never flags ordinary names, paths and descriptions', () => {
    for (const v of ORDINARY) assert.equal(checkFreeFormField('field', v), null, v);
  });

  it('treats an empty value as clean', () => {
    assert.equal(checkFreeFormField('field', ''), null);
  });
});

describe('createFieldGuard', () => {
  it('rejects in reject mode with guards.sensitive_field naming the field and kind, never the value', () => {
    const guard = createFieldGuard({ mode: 'reject' });
    const s = guard.session();
    assert.throws(() => s.check('x-amz-meta-name', CARD), (err: unknown) => {
      assert.ok(isCofferError(err, 'guards.sensitive_field'));
      assert.match(err.message, /^x-amz-meta-name contains what looks like a payment card number; free-form fields must not hold sensitive data\./);
      assert.match(err.message, /guards\.freeFormFields to warn/);
      assert.ok(!err.message.includes('4111') && !JSON.stringify(err.details).includes('4111'));
      return true;
    });
    assert.deepEqual(s.findings.map((f) => [f.field, f.kind, f.action]), [['x-amz-meta-name', 'payment-card', 'rejected']]);
    assert.deepEqual([...s.sensitive], [CARD]);
    assert.deepEqual(guard.counters().rejected, { 'payment-card': 1 });
  });

  it('records and accepts in warn mode, and counts the finding', () => {
    const seen: string[] = [];
    const guard = createFieldGuard({ mode: 'warn', onFinding: (f) => seen.push(`${f.action}:${f.kind}`) });
    const s = guard.session();
    assert.equal(s.check('Path', `/${IBAN}/`)?.kind, 'iban');
    assert.equal(s.check('UserName', 'alice'), null);
    assert.deepEqual(s.findings.map((f) => f.action), ['warned']);
    assert.deepEqual(seen, ['warned:iban']);
    assert.deepEqual(guard.counters(), { rejected: {}, warned: { iban: 1 } });
  });

  it('does nothing in off mode, and a per-field mode overrides the guard mode', () => {
    const off = createFieldGuard({ mode: 'off' }).session();
    assert.equal(off.check('x-amz-meta-name', CARD), null);
    assert.equal(off.findings.length, 0);
    const s = createFieldGuard({ mode: 'reject' }).session();
    assert.equal(s.check('object key name', `k/${CARD}`, { mode: 'warn' })?.kind, 'payment-card');
    assert.throws(() => createFieldGuard({ mode: 'off' }).session().check('k', CARD, { mode: 'reject' }));
  });

  it('uses the session hint in messages (IAM wording)', () => {
    const s = createFieldGuard({ mode: 'reject' }).session({ hint: 'Fix it.' });
    assert.throws(() => s.check('Description', `${SSN}`), /Description contains what looks like a US Social Security number; free-form fields must not hold sensitive data\. Fix it\.$/);
  });
});
