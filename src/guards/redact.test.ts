import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { REDACTED, redactKnown, redactString, redactValue } from './redact.js';
import { createGuardedLogger, logAccess } from './logger.js';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq4vZ3ktQB';
const SIG = 'a'.repeat(20) + '0123456789abcdef'.repeat(3);

describe('redactString', () => {
  it('hides SigV4 signatures but keeps the access key id', () => {
    const h = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=${SIG}`;
    const r = redactString(h);
    assert.ok(!r.includes(SIG));
    assert.match(r, /AKIAIOSFODNN7EXAMPLE/);
  });

  it('hides presigned query credentials and secret-named parameters', () => {
    const r = redactString(`/b/k?X-Amz-Credential=AKIAX%2F2026&X-Amz-Signature=${SIG}&X-Amz-Security-Token=FwoGZXIvYXdzEJr&token=abc123&versionId=v1`);
    for (const s of [SIG, 'FwoGZXIvYXdzEJr', 'abc123', 'AKIAX%2F2026']) assert.ok(!r.includes(s), s);
    assert.match(r, /versionId=v1/);
  });

  it('hides secret keys, passwords in text, private keys and bearer tokens', () => {
    assert.ok(!redactString(`key ${SECRET} leaked`).includes(SECRET));
    assert.equal(redactString('password=hunter22 ok'), `password=${REDACTED} ok`);
    assert.ok(!redactString('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----').includes('MIIE'));
    assert.ok(!redactString('Authorization: Bearer eyJabc.def.ghi123').includes('eyJabc'));
    assert.ok(!redactString('https://bob:hunter22@example.com/').includes('hunter22'));
  });

  it('replaces what the high-precision detectors flag with its kind', () => {
    assert.equal(redactString('no such key cards/4111 1111 1111 1111.txt'), 'no such key cards/[REDACTED:payment-card].txt');
    assert.equal(redactString('ordinary message about bucket photos'), 'ordinary message about bucket photos');
  });

  it('hides exact known secrets', () => {
    assert.equal(redactKnown('x hunter22 y', ['hunter22']), `x ${REDACTED} y`);
  });
});

describe('redactValue', () => {
  it('hides secret-named properties at any depth and redacts Errors', () => {
    const v = redactValue({ headers: { authorization: 'AWS4-HMAC-SHA256 x', cookie: 'sid=1', 'x-amz-server-side-encryption-customer-key': 'k', 'x-amz-server-side-encryption-customer-key-MD5': 'md5' }, accessKeyId: 'AKIA', err: new Error(`bad ${SECRET}`) }) as Record<string, any>;
    assert.equal(v.headers.authorization, REDACTED);
    assert.equal(v.headers.cookie, REDACTED);
    assert.equal(v.headers['x-amz-server-side-encryption-customer-key'], REDACTED);
    assert.equal(v.headers['x-amz-server-side-encryption-customer-key-MD5'], 'md5');
    assert.equal(v.accessKeyId, 'AKIA');
    assert.ok(!JSON.stringify(v).includes(SECRET));
    assert.equal(v.err.type, 'Error');
  });
});

describe('createGuardedLogger', () => {
  it('writes the stable schema and redacts properties, messages and errors', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
    const logger = createGuardedLogger({ level: 'info', destination: sink });
    logAccess(logger, { requestId: 'R1', service: 's3', operation: 'PutObject', principal: 'arn:aws:iam::1:user/a', status: 200, latencyMs: 1.234 });
    logger.warn({ password: 'hunter22', key: 'cards/4111 1111 1111 1111' }, `failed for ${SECRET}`);
    logger.error(new Error('card 4111 1111 1111 1111 refused'), 'boom');
    await new Promise((r) => setImmediate(r));
    const [access, warn, error] = lines.map((l) => JSON.parse(l) as Record<string, any>);
    assert.deepEqual(Object.keys(access!).sort(), ['latencyMs', 'level', 'msg', 'operation', 'principal', 'requestId', 'service', 'status', 'svc', 'time']);
    assert.equal(access!.level, 'info');
    assert.equal(access!.latencyMs, 1.2);
    assert.match(access!.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(warn!.password, REDACTED);
    const all = lines.join('');
    for (const s of ['hunter22', SECRET, '4111 1111 1111 1111']) assert.ok(!all.includes(s), s);
    assert.match(JSON.stringify(error), /REDACTED:payment-card/);
  });
});
