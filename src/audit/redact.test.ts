import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { buildS3Event } from './build-s3-event.js';
import type { AuditEvent } from './event.js';
import { readAuditEvents } from './read-events.js';
import { HIDDEN, redactEvent } from './redact.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';
import { openAuditTrail } from './trail.js';

const masterKey = MasterKey.generate();
const SIG = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleexampleexampleexampleexampleexampleexampleexampleTOKEN';
const SSE_C_KEY = Buffer.alloc(32, 0x5a).toString('base64');
const SSE_C_MD5 = 'Kzx9yqJ2Yw9LSr3S2N9Lbw==';
const PASSWORD = 'correct horse battery staple!';
const MFA_CODE = '492039';
const MFA_SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const CREDENTIAL = 'AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/s3/aws4_request';
const AUTH = `AWS4-HMAC-SHA256 Credential=${CREDENTIAL}, SignedHeaders=host;x-amz-date, Signature=${SIG}`;
const PRIVATE_KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIExample\n-----END PRIVATE KEY-----';

/** Every secret the trail must never hold, with where it was smuggled in. */
const SECRETS = [SIG, SECRET_KEY, SESSION_TOKEN, SSE_C_KEY, PASSWORD, MFA_CODE, MFA_SEED, CREDENTIAL, 'Signature=', 'AWS4-HMAC-SHA256', 'BEGIN PRIVATE KEY'];

function s3EventWithSecrets(): AuditEvent {
  return buildS3Event(
    {
      operation: 'GetObject',
      principal: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userName: 'alice' },
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      sourceIp: '192.0.2.1',
      userAgent: 'curl/8',
      bucket: 'photos',
      key: 'cat.jpg',
      requestId: 'R1',
      readOnly: true,
      query: {
        'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
        'X-Amz-Credential': CREDENTIAL,
        'X-Amz-Signature': SIG,
        'X-Amz-Security-Token': SESSION_TOKEN,
        'X-Amz-Date': '20260101T000000Z',
        versionId: 'v1',
      },
      headers: {
        authorization: AUTH,
        'x-amz-security-token': SESSION_TOKEN,
        'x-amz-server-side-encryption-customer-key': SSE_C_KEY,
        'x-amz-server-side-encryption-customer-key-md5': SSE_C_MD5,
        'x-amz-server-side-encryption-customer-algorithm': 'AES256',
        'x-amz-copy-source-server-side-encryption-customer-key': SSE_C_KEY,
        cookie: `session=${SESSION_TOKEN}`,
      },
    },
    { accountId: ACCOUNT, region: REGION },
  );
}

/** An IAM/STS-style event built elsewhere, carrying secrets in fields a builder forgot to filter. */
function foreignEventWithSecrets(): AuditEvent {
  return {
    ...sampleEvent(1, { operation: 'GetSessionToken' }),
    eventSource: 'sts.amazonaws.com',
    requestParameters: { serialNumber: 'arn:aws:iam::123456789012:mfa/alice', tokenCode: MFA_CODE, durationSeconds: 3600, password: PASSWORD, note: AUTH },
    responseElements: {
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET_KEY, sessionToken: SESSION_TOKEN, expiration: '2026-01-01T12:00:00Z' },
      virtualMFADevice: { base32StringSeed: MFA_SEED, qrCodePNG: 'iVBORw0KGgo' },
      privateKeyPem: PRIVATE_KEY,
      misplaced: `key is ${SECRET_KEY}`,
      [SIG + 'Signature=x']: 'name carries a secret',
    },
  };
}

describe('audit redaction', () => {
  it('builds S3 events from allow-listed parameters only', () => {
    const e = s3EventWithSecrets();
    assert.deepEqual(e.requestParameters, {
      bucketName: 'photos',
      key: 'cat.jpg',
      versionId: 'v1',
      'x-amz-server-side-encryption-customer-key-MD5': SSE_C_MD5,
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
    });
    assert.equal(e.userIdentity.accessKeyId, 'AKIAIOSFODNN7EXAMPLE');
    for (const s of SECRETS) assert.equal(JSON.stringify(e).includes(s), false, s);
  });

  it('hides every kind of secret in an event built elsewhere, keeping the access key id and MFA serial', () => {
    const out = redactEvent(foreignEventWithSecrets(), [SIG]);
    const text = JSON.stringify(out);
    for (const s of SECRETS) assert.equal(text.includes(s), false, s);
    assert.equal(out.requestParameters?.serialNumber, 'arn:aws:iam::123456789012:mfa/alice');
    assert.equal(out.requestParameters?.tokenCode, HIDDEN);
    assert.equal(out.requestParameters?.durationSeconds, 3600);
    assert.equal((out.responseElements?.credentials as Record<string, unknown>).accessKeyId, 'ASIAEXAMPLE');
    assert.ok(Array.isArray(out.additionalEventData?.redactedFields), 'redacted paths are listed');
  });

  it('hides exact secrets the caller names wherever they appear', () => {
    const e = { ...sampleEvent(2), userAgent: 'tool/1 secret=hunter2hunter2' };
    assert.equal(JSON.stringify(redactEvent(e, ['hunter2hunter2'])).includes('hunter2hunter2'), false);
    assert.equal(redactEvent(e).userAgent, 'tool/1 secret=hunter2hunter2');
  });

  it('never stores or returns a secret sent through the trail, in stored bytes, decrypted records or lookup output', async (t) => {
    const dir = await tempDir(t);
    const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION });
    await trail.record(s3EventWithSecrets(), { secrets: [SIG] });
    await trail.record(foreignEventWithSecrets(), { secrets: [SIG] });
    const looked = await trail.lookupEvents({});
    await trail.close();
    const stored = Buffer.concat(await Promise.all((await readdir(join(dir, 'segments'))).map((n) => readFile(join(dir, 'segments', n)))));
    const decrypted: string[] = [];
    for await (const s of readAuditEvents(dir, masterKey)) decrypted.push(JSON.stringify(s.event));
    assert.equal(decrypted.length, 2);
    const lookupText = JSON.stringify(looked);
    assert.equal(looked.events.length, 2);
    for (const s of SECRETS) {
      assert.equal(stored.includes(Buffer.from(s)), false, `stored: ${s}`);
      assert.equal(decrypted.join('\n').includes(s), false, `record: ${s}`);
      assert.equal(lookupText.includes(s), false, `lookup: ${s}`);
    }
    assert.ok(lookupText.includes('AKIAIOSFODNN7EXAMPLE'), 'access key id remains visible');
  });
});
