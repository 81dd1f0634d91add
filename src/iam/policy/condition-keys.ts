/**
 * The condition keys Coffer knows. A policy naming any other key is rejected when it is saved,
 * and a stored policy that still names one can never grant (see evaluate.ts).
 * Names are case-insensitive; tag keys keep the case of the part after '/'.
 */

export type KeyType = 'String' | 'Numeric' | 'Date' | 'Bool' | 'IpAddress' | 'Arn' | 'ArrayOfString';

const KEYS: Record<string, KeyType> = {
  'aws:securetransport': 'Bool',
  'aws:sourceip': 'IpAddress',
  'aws:currenttime': 'Date',
  'aws:epochtime': 'Date',
  'aws:multifactorauthpresent': 'Bool',
  'aws:multifactorauthage': 'Numeric',
  'aws:tokenissuetime': 'Date',
  'aws:principalarn': 'Arn',
  'aws:principalaccount': 'String',
  'aws:principaltype': 'String',
  'aws:username': 'String',
  'aws:userid': 'String',
  'aws:requestedregion': 'String',
  'aws:useragent': 'String',
  'aws:tagkeys': 'ArrayOfString',
  'aws:resourceaccount': 'String',
  'aws:sourceidentity': 'String',
  's3:prefix': 'String',
  's3:delimiter': 'String',
  's3:max-keys': 'Numeric',
  's3:x-amz-server-side-encryption': 'String',
  's3:x-amz-server-side-encryption-aws-kms-key-id': 'Arn',
  's3:x-amz-server-side-encryption-customer-algorithm': 'String',
  's3:versionid': 'String',
  's3:requestobjecttagkeys': 'ArrayOfString',
  's3:signatureversion': 'String',
  's3:authtype': 'String',
  's3:signatureage': 'Numeric',
  's3:x-amz-content-sha256': 'String',
  's3:tlsversion': 'Numeric',
  's3:x-amz-copy-source': 'String',
  's3:x-amz-metadata-directive': 'String',
  's3:x-amz-storage-class': 'String',
  's3:x-amz-acl': 'String',
  's3:resourceaccount': 'String',
  's3:locationconstraint': 'String',
};

/** Keys that take a suffix after '/'; true when the suffix is case-insensitive too. */
const PREFIXES: Record<string, boolean> = {
  'aws:principaltag/': true,
  'aws:requesttag/': true,
  'aws:resourcetag/': true,
  's3:existingobjecttag/': false,
  's3:requestobjecttag/': false,
};

/**
 * The canonical form of a condition-key name: lower case, except the tag-key suffix of
 * s3:ExistingObjectTag/<key> and s3:RequestObjectTag/<key> (S3 tag keys are case-sensitive).
 */
export function normalizeKey(name: string): string {
  const slash = name.indexOf('/');
  if (slash < 0) return name.toLowerCase();
  const prefix = name.slice(0, slash + 1).toLowerCase();
  const suffixInsensitive = PREFIXES[prefix];
  return suffixInsensitive === false ? prefix + name.slice(slash + 1) : name.toLowerCase();
}

/** The type of a known key (by canonical name), or undefined when Coffer does not know it. */
export function keyType(canonical: string): KeyType | undefined {
  const t = KEYS[canonical];
  if (t !== undefined) return t;
  const slash = canonical.indexOf('/');
  if (slash > 0 && slash < canonical.length - 1 && PREFIXES[canonical.slice(0, slash + 1)] !== undefined) return 'String';
  return undefined;
}

/** True for keys whose value is a set and that need ForAllValues/ForAnyValue. */
export function isMultiValuedKey(canonical: string): boolean {
  return KEYS[canonical] === 'ArrayOfString';
}
