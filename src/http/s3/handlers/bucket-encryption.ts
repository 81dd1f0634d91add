/** Bucket default encryption: Put/Get/DeleteBucketEncryption (one rule: SSE-S3 or SSE-KMS, Bucket Key flag). */
import { CofferError } from '../../../shared/index.js';
import type { BucketEncryption } from '../../../objects/index.js';
import { type S3Context, type S3Response, readControlBody } from '../context.js';
import { parseXmlBody, xmlDocument } from '../xml.js';

const malformed = (message: string) => new CofferError('http.malformed_xml', { message: `The XML you provided was not well-formed or did not validate against our published schema: ${message}` });

export function parseEncryptionConfiguration(body: Buffer): BucketEncryption {
  const doc = parseXmlBody(body, 'ServerSideEncryptionConfiguration');
  const rule = doc['Rule'];
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw malformed('exactly one Rule is required.');
  const r = rule as Record<string, unknown>;
  const apply = r['ApplyServerSideEncryptionByDefault'];
  if (apply === null || typeof apply !== 'object') throw malformed('ApplyServerSideEncryptionByDefault is required.');
  const a = apply as Record<string, unknown>;
  const algorithm = a['SSEAlgorithm'];
  const keyId = a['KMSMasterKeyID'];
  const bucketKey = r['BucketKeyEnabled'];
  if (algorithm !== 'AES256' && algorithm !== 'aws:kms') throw new CofferError('sse.invalid_argument', { message: 'The SSEAlgorithm must be AES256 or aws:kms.' });
  if (keyId !== undefined && (typeof keyId !== 'string' || keyId === '')) throw malformed('KMSMasterKeyID must be a key id, ARN or alias.');
  if (keyId !== undefined && algorithm !== 'aws:kms') throw new CofferError('sse.invalid_argument', { message: 'a KMSMasterKeyID is only allowed with SSEAlgorithm aws:kms.' });
  if (bucketKey !== undefined && bucketKey !== 'true' && bucketKey !== 'false') throw malformed('BucketKeyEnabled must be true or false.');
  return { algorithm, ...(typeof keyId === 'string' ? { kmsKeyId: keyId } : {}), bucketKeyEnabled: bucketKey === 'true' };
}

export async function putBucketEncryption(c: S3Context): Promise<S3Response> {
  await c.objects.putBucketEncryption({ bucket: c.bucket, encryption: parseEncryptionConfiguration(await readControlBody(c)) });
  return { status: 200 };
}

export async function getBucketEncryption(c: S3Context): Promise<S3Response> {
  const e = await c.objects.getBucketEncryption({ bucket: c.bucket });
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('ServerSideEncryptionConfiguration', {
      Rule: {
        ApplyServerSideEncryptionByDefault: { SSEAlgorithm: e.algorithm, ...(e.kmsKeyId !== undefined ? { KMSMasterKeyID: e.kmsKeyId } : {}) },
        BucketKeyEnabled: e.bucketKeyEnabled ? 'true' : 'false',
      },
    }),
  };
}

export async function deleteBucketEncryption(c: S3Context): Promise<S3Response> {
  await c.objects.deleteBucketEncryption({ bucket: c.bucket });
  return { status: 204 };
}
