/**
 * MFA Delete on versioned buckets, as S3 does it:
 *
 *   PutBucketVersioning with <MfaDelete>Enabled|Disabled</MfaDelete>  -> needs x-amz-mfa
 *   once enabled: PutBucketVersioning (any change), DeleteObject with versionId and
 *   DeleteObjects naming a VersionId                                  -> need x-amz-mfa
 *   x-amz-mfa: "<serial number> <code>" of an MFA device enabled for the calling user,
 *   checked like any code (±1 step, each step once, failures limited)
 *
 * Missing or wrong -> AccessDenied (S3's wording for a missing header).
 */
import { CofferError } from '../../shared/index.js';
import type { S3Context } from './context.js';

export interface MfaDeletePort {
  /** Whether MFA Delete is enabled on the bucket (as it exists now). */
  isEnabled(bucket: string): Promise<boolean>;
  setEnabled(bucket: string, enabled: boolean): Promise<void>;
  /** Checks "serial code" for the caller; false when it does not validate. */
  verify(principal: unknown, serial: string, code: string): Promise<boolean>;
}

/** Throws AccessDenied unless the request carries a valid x-amz-mfa header. */
export async function requireMfaHeader(c: S3Context, port: MfaDeletePort): Promise<void> {
  const raw = c.headers['x-amz-mfa'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value.trim() === '') {
    throw new CofferError('auth.access_denied', { message: 'Mfa Authentication must be used for this request' });
  }
  const m = /^\s*(\S{9,256})\s+(\d{6})\s*$/.exec(value);
  if (!m || !(await port.verify(c.auth.principal, m[1]!, m[2]!))) {
    throw new CofferError('auth.access_denied', { message: 'Access Denied: the x-amz-mfa serial number and code did not validate (each code is accepted once).' });
  }
}

/** For version deletions: requires x-amz-mfa when MFA Delete is on for the bucket. */
export async function checkVersionDelete(c: S3Context): Promise<void> {
  if (c.mfaDelete && (await c.mfaDelete.isEnabled(c.bucket))) await requireMfaHeader(c, c.mfaDelete);
}
