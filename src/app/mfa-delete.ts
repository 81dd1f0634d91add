/**
 * The S3 MFA Delete port over the identity store: per-bucket flags (keyed by bucket name and
 * creation time, so a deleted and re-created bucket starts without MFA Delete) and x-amz-mfa
 * checks against the calling user's enabled devices (the same single-use, rate-limited check
 * as STS).
 */
import type { IamCaller, IamStore } from '../iam/store/index.js';
import type { ObjectService } from '../objects/index.js';
import type { MfaDeletePort } from '../http/s3/mfa-delete.js';

export function createMfaDeletePort(deps: { store: IamStore; objects: Pick<ObjectService, 'headBucket'> }): MfaDeletePort {
  const keyOf = async (bucket: string) => `${bucket}|${(await deps.objects.headBucket(bucket)).createdAt}`;
  return {
    async isEnabled(bucket) {
      return deps.store.mfa.getMfaDeleteFlag(await keyOf(bucket));
    },
    async setEnabled(bucket, enabled) {
      await deps.store.mfa.setMfaDeleteFlag(await keyOf(bucket), enabled);
    },
    async verify(principal, serial, code) {
      const p = principal as IamCaller | null;
      if (!p || p.type !== 'User' || p.userName === undefined) return false;
      return (await deps.store.mfa.checkMfaCode(p.userName, serial, code)).ok;
    },
  };
}
