/**
 * Account-wide Block Public Access, as the S3 Control API serves it:
 *
 *   PUT|GET|DELETE /v20180820/configuration/publicAccessBlock   (x-amz-account-id: <account>)
 *
 * (`aws s3control put-public-access-block --account-id A --endpoint-url URL` puts the account id
 * in front of the host name as well; path-style routing ignores it.) The account settings add to
 * each bucket's: a setting is in force when the bucket OR the account turns it on, and a level
 * that was never configured counts as all on, so nothing becomes public until an administrator
 * has turned protection off at both levels.
 */
import { CofferError } from '../../../shared/index.js';
import { BLOCK_ALL_PUBLIC_ACCESS, type PublicAccessBlock } from '../../../objects/index.js';
import { header, readControlBody, type S3Context, type S3Response } from '../context.js';
import { parseXmlBody, xmlDocument } from '../xml.js';

/** Where the account-wide settings live (the identity store in the server). */
export interface AccountPublicAccessBlockStore {
  readonly accountId: string;
  /** null when never set. */
  get(): Promise<PublicAccessBlock | null>;
  put(settings: PublicAccessBlock): Promise<void>;
  delete(): Promise<void>;
}

const S3_CONTROL_NS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';

/** The XML element names of the four settings and their fields. */
export const PUBLIC_ACCESS_BLOCK_SETTINGS = [
  ['BlockPublicAcls', 'blockPublicAcls'],
  ['IgnorePublicAcls', 'ignorePublicAcls'],
  ['BlockPublicPolicy', 'blockPublicPolicy'],
  ['RestrictPublicBuckets', 'restrictPublicBuckets'],
] as const;

/** The settings in force for a bucket: each is on when either level (or a level never configured) has it on. */
export function effectivePublicAccessBlock(bucket: PublicAccessBlock | null | undefined, account: PublicAccessBlock | null | undefined): PublicAccessBlock {
  const b = bucket ?? BLOCK_ALL_PUBLIC_ACCESS;
  const a = account ?? BLOCK_ALL_PUBLIC_ACCESS;
  return {
    blockPublicAcls: b.blockPublicAcls || a.blockPublicAcls,
    ignorePublicAcls: b.ignorePublicAcls || a.ignorePublicAcls,
    blockPublicPolicy: b.blockPublicPolicy || a.blockPublicPolicy,
    restrictPublicBuckets: b.restrictPublicBuckets || a.restrictPublicBuckets,
  };
}

/** Parses a PublicAccessBlockConfiguration body; omitted settings are false (as S3). */
export function parsePublicAccessBlock(body: Buffer): PublicAccessBlock {
  const doc = parseXmlBody(body, 'PublicAccessBlockConfiguration');
  const config: PublicAccessBlock = { blockPublicAcls: false, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false };
  for (const [xmlName, field] of PUBLIC_ACCESS_BLOCK_SETTINGS) {
    const v = doc[xmlName];
    if (v === undefined) continue;
    if (v !== 'true' && v !== 'false') throw new CofferError('http.malformed_xml');
    config[field] = v === 'true';
  }
  return config;
}

/** Renders a PublicAccessBlockConfiguration document. */
export function publicAccessBlockXml(config: PublicAccessBlock, namespace = true): string {
  const body: Record<string, string> = {};
  for (const [xmlName, field] of PUBLIC_ACCESS_BLOCK_SETTINGS) body[xmlName] = String(config[field]);
  return namespace ? xmlDocument('PublicAccessBlockConfiguration', body) : xmlDocument('PublicAccessBlockConfiguration', { '@_xmlns': S3_CONTROL_NS, ...body }, { namespace: false });
}

function accountStore(c: S3Context): AccountPublicAccessBlockStore {
  const store = c.account;
  if (!store) throw new CofferError('http.not_implemented');
  // The S3 Control API names the account in a header; only this deployment's account exists.
  if (header(c, 'x-amz-account-id') !== store.accountId) {
    throw new CofferError('auth.access_denied', { message: 'Access Denied: x-amz-account-id does not name this account.' });
  }
  return store;
}

export async function putAccountPublicAccessBlock(c: S3Context): Promise<S3Response> {
  const store = accountStore(c);
  await store.put(parsePublicAccessBlock(await readControlBody(c)));
  return { status: 200 };
}

export async function getAccountPublicAccessBlock(c: S3Context): Promise<S3Response> {
  // Never configured means every setting is on; say so rather than NoSuchPublicAccessBlockConfiguration.
  const config = (await accountStore(c).get()) ?? BLOCK_ALL_PUBLIC_ACCESS;
  return { status: 200, headers: { 'content-type': 'application/xml' }, body: publicAccessBlockXml(config, false) };
}

export async function deleteAccountPublicAccessBlock(c: S3Context): Promise<S3Response> {
  await accountStore(c).delete();
  return { status: 204 };
}
