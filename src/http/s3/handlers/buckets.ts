/** Service- and bucket-level handlers. */
import { CofferError } from '../../../shared/index.js';
import { requireMfaHeader } from '../mfa-delete.js';
import { type S3Context, type S3Response, readControlBody } from '../context.js';
import { isoTime, parseXmlBody, xmlDocument } from '../xml.js';
import { guardTags } from '../guard-fields.js';

const xml = (root: string, body: Record<string, unknown>): S3Response => ({
  status: 200,
  headers: { 'content-type': 'application/xml' },
  body: xmlDocument(root, body),
});

export async function listBuckets(c: S3Context): Promise<S3Response> {
  const buckets = await c.objects.listBuckets();
  return xml('ListAllMyBucketsResult', {
    Owner: { ID: c.owner, DisplayName: c.owner },
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoTime(b.createdAt), BucketRegion: b.region })) },
  });
}

export async function createBucket(c: S3Context): Promise<S3Response> {
  const body = await readControlBody(c);
  let locationConstraint: string | undefined;
  if (body.length > 0) {
    const conf = parseXmlBody(body, 'CreateBucketConfiguration');
    const lc = conf['LocationConstraint'];
    if (lc !== undefined && typeof lc !== 'string') throw new CofferError('http.malformed_xml');
    locationConstraint = lc;
  }
  const acl = c.headers['x-amz-acl'];
  if (acl !== undefined && acl !== 'private') {
    throw new CofferError('http.not_implemented', { message: 'Canned ACLs other than private are not supported: Coffer authorises with IAM and bucket policies.' });
  }
  await c.objects.createBucket({ name: c.bucket, locationConstraint, owner: c.owner });
  return { status: 200, headers: { location: `/${c.bucket}` } };
}

export async function headBucket(c: S3Context): Promise<S3Response> {
  const b = await c.objects.headBucket(c.bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': b.region } };
}

export async function deleteBucket(c: S3Context): Promise<S3Response> {
  await c.objects.deleteBucket(c.bucket);
  return { status: 204 };
}

export async function getBucketLocation(c: S3Context): Promise<S3Response> {
  const b = await c.objects.headBucket(c.bucket);
  // us-east-1 is reported as an empty LocationConstraint, as S3 does.
  return {
    status: 200,
    headers: { 'content-type': 'application/xml' },
    body: xmlDocument('LocationConstraint', b.region === 'us-east-1' ? {} : { '#text': b.region }),
  };
}

export async function getBucketVersioning(c: S3Context): Promise<S3Response> {
  const b = await c.objects.headBucket(c.bucket);
  const mfaDelete = c.mfaDelete && b.versioning !== 'Unversioned' ? await c.mfaDelete.isEnabled(c.bucket) : false;
  return xml('VersioningConfiguration', b.versioning === 'Unversioned' ? {} : { Status: b.versioning, ...(c.mfaDelete ? { MfaDelete: mfaDelete ? 'Enabled' : 'Disabled' } : {}) });
}

export async function putBucketVersioning(c: S3Context): Promise<S3Response> {
  const conf = parseXmlBody(await readControlBody(c), 'VersioningConfiguration');
  const status = conf['Status'];
  if (status !== undefined && typeof status !== 'string') throw new CofferError('http.malformed_xml');
  const mfa = conf['MfaDelete'];
  if (mfa !== undefined && mfa !== 'Enabled' && mfa !== 'Disabled') throw new CofferError('http.malformed_xml');
  if (mfa === 'Enabled' && !c.mfaDelete) throw new CofferError('http.not_implemented', { message: 'MFA Delete is not available on this server.' });
  // Changing MFA Delete, or any versioning change while it is on, needs x-amz-mfa (as on S3).
  if (c.mfaDelete && (mfa !== undefined || (await c.mfaDelete.isEnabled(c.bucket)))) await requireMfaHeader(c, c.mfaDelete);
  if (mfa === 'Enabled' && (status ?? (await c.objects.headBucket(c.bucket)).versioning) !== 'Enabled') {
    throw new CofferError('http.invalid_argument', { message: 'MFA Delete can only be enabled on a bucket whose versioning is Enabled.' });
  }
  await c.objects.putBucketVersioning(c.bucket, status);
  if (c.mfaDelete && mfa !== undefined) await c.mfaDelete.setEnabled(c.bucket, mfa === 'Enabled');
  return { status: 200 };
}

export function parseTagSet(body: Buffer): Record<string, string> {
  const doc = parseXmlBody(body, 'Tagging');
  const set = doc['TagSet'];
  const tags: Record<string, string> = {};
  if (set === undefined || set === '') return tags;
  if (typeof set !== 'object' || set === null) throw new CofferError('http.malformed_xml');
  const list = (set as Record<string, unknown>)['Tag'] ?? [];
  if (!Array.isArray(list)) throw new CofferError('http.malformed_xml');
  for (const t of list as Array<Record<string, unknown>>) {
    const k = t['Key'];
    const v = t['Value'] ?? '';
    if (typeof k !== 'string' || typeof v !== 'string') throw new CofferError('http.malformed_xml');
    if (k in tags) throw new CofferError('objects.invalid_tag', { message: 'Cannot provide multiple Tags with the same key' });
    tags[k] = v;
  }
  return tags;
}

export function tagSetXml(tags: Record<string, string>): S3Response {
  return xml('Tagging', { TagSet: { Tag: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } });
}

export async function putBucketTagging(c: S3Context): Promise<S3Response> {
  const tags = parseTagSet(await readControlBody(c));
  guardTags(c.guard, tags);
  await c.objects.putBucketTagging(c.bucket, tags);
  return { status: 204 };
}

export async function getBucketTagging(c: S3Context): Promise<S3Response> {
  return tagSetXml(await c.objects.getBucketTagging(c.bucket));
}

export async function deleteBucketTagging(c: S3Context): Promise<S3Response> {
  await c.objects.deleteBucketTagging(c.bucket);
  return { status: 204 };
}
