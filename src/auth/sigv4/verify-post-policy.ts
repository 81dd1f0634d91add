/**
 * SigV4 verification of a browser-based POST upload (multipart/form-data with a signed policy).
 *
 *   fields: policy (base64 JSON), x-amz-algorithm, x-amz-credential, x-amz-date, x-amz-signature
 *           [, x-amz-security-token]                      (form field names are case-insensitive)
 *   scope checks as for header auth; signature = hex(HMAC(kSigning(secret, scope), policy-base64))
 *   policy = JSON(base64decode(policy)); now <= policy.expiration else auth.expired
 *
 * Evaluating the policy conditions against the form fields and the file size is the caller's job
 * (it needs the bucket, key and content-length-range); this only proves who signed which policy.
 */
import { credentialScope, SIGV4_ALGORITHM } from './canonical-request.js';
import { authError } from './errors.js';
import { parseAmzDate, parseCredential } from './parse-auth.js';
import { deriveSigningKey, signatureOf, signaturesEqual } from './signing-key.js';
import type { AuthenticatedRequest, VerifyOptions } from './types.js';

export interface PostPolicy {
  /** ISO 8601 expiration as written in the policy. */
  expiration: string;
  expiresAtMs: number;
  /** Conditions exactly as in the policy document (objects and arrays); not evaluated here. */
  conditions: unknown[];
}

export interface VerifiedPostPolicy {
  auth: AuthenticatedRequest;
  policy: PostPolicy;
}

const MAX_POLICY_BASE64 = 64 * 1024;
const malformed = (message: string) => authError('auth.malformed', `Invalid POST policy authentication; ${message}`);

/** Verifies the signature of a POST policy form; `fields` are the non-file form fields. */
export async function verifyPostPolicy(
  fields: Readonly<Record<string, string>>,
  options: Pick<VerifyOptions, 'findSecret' | 'region' | 'service' | 'clock' | 'signingKeyCache'>,
): Promise<VerifiedPostPolicy> {
  const service = options.service ?? 's3';
  const get = lowerCaseFields(fields);
  const policyB64 = get.get('policy');
  const algorithm = get.get('x-amz-algorithm');
  const credentialValue = get.get('x-amz-credential');
  const amzDate = get.get('x-amz-date');
  const signature = get.get('x-amz-signature');
  if (policyB64 === undefined && signature === undefined && credentialValue === undefined) {
    throw authError('auth.missing', 'Request is not signed');
  }
  if (algorithm !== undefined && algorithm !== SIGV4_ALGORITHM) {
    throw authError('auth.unsupported_algorithm', 'x-amz-algorithm only supports "AWS4-HMAC-SHA256"');
  }
  if (algorithm === undefined && get.has('awsaccesskeyid')) {
    throw authError('auth.unsupported_algorithm', 'Signature Version 2 is not supported; use AWS4-HMAC-SHA256');
  }
  if (policyB64 === undefined || algorithm === undefined || credentialValue === undefined || amzDate === undefined || signature === undefined) {
    throw malformed('policy, x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature are required');
  }
  if (policyB64.length > MAX_POLICY_BASE64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(policyB64)) throw malformed('policy must be base64');
  if (!/^[0-9a-f]{64}$/.test(signature)) throw malformed('x-amz-signature must be 64 lower-case hex characters');
  const credential = parseCredential(credentialValue, 'query');
  const requestTimeMs = parseAmzDate(amzDate);
  if (requestTimeMs === null) throw malformed('x-amz-date must be in the ISO8601 basic format yyyyMMddTHHmmssZ');
  if (credential.date !== amzDate.slice(0, 8)) throw malformed('the credential date is not the same as x-amz-date');
  if (credential.region !== options.region) throw malformed(`the region in the credential scope is wrong; expecting '${options.region}'`);
  if (credential.service !== service) throw malformed(`the service in the credential scope is wrong; expecting '${service}'`);

  const policy = parsePolicy(policyB64);
  if (options.clock.now() > policy.expiresAtMs) throw authError('auth.expired', 'Invalid according to Policy: Policy expired.');

  const sessionToken = get.get('x-amz-security-token');
  const found = await options.findSecret(credential.accessKeyId, sessionToken === undefined ? {} : { sessionToken });
  if (found === null) throw authError('auth.invalid_access_key', 'The AWS access key Id you provided does not exist in our records');
  const { date, region } = credential;
  const signingKey = options.signingKeyCache
    ? options.signingKeyCache.get(found.secretAccessKey, date, region, service)
    : deriveSigningKey(found.secretAccessKey, date, region, service);
  if (!signaturesEqual(signatureOf(signingKey, policyB64), Buffer.from(signature, 'hex'))) {
    throw authError('auth.signature_mismatch', 'The request signature we calculated does not match the signature you provided.', {
      stringToSign: policyB64,
      scope: credentialScope(date, region, service),
    });
  }
  const auth = Object.freeze({
    accessKeyId: credential.accessKeyId,
    principal: found.principal,
    method: 'post-policy' as const,
    payload: { kind: 'unsigned' as const },
    signedHeaders: Object.freeze([] as string[]),
    region,
    service,
    date,
    requestTimeMs,
    expiresAtMs: policy.expiresAtMs,
    ...(sessionToken === undefined ? {} : { sessionToken }),
  }) as unknown as AuthenticatedRequest;
  return { auth, policy };
}

function lowerCaseFields(fields: Readonly<Record<string, string>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(fields)) {
    const key = k.toLowerCase();
    if (out.has(key)) throw malformed(`duplicate form field`);
    out.set(key, v);
  }
  return out;
}

function parsePolicy(policyB64: string): PostPolicy {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8'));
  } catch {
    throw malformed('policy is not valid base64-encoded JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw malformed('policy must be a JSON object');
  const { expiration, conditions } = doc as { expiration?: unknown; conditions?: unknown };
  if (typeof expiration !== 'string') throw malformed('policy expiration is required');
  const expiresAtMs = Date.parse(expiration);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(expiration) || Number.isNaN(expiresAtMs)) {
    throw malformed('policy expiration must be an ISO 8601 UTC time');
  }
  if (!Array.isArray(conditions)) throw malformed('policy conditions must be an array');
  return { expiration, expiresAtMs, conditions };
}
