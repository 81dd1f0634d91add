/**
 * The object layer's KMS port (objects/sse.ts KmsDataKeys) over the built-in KMS: S3 asks for
 * data keys on writes and for their decryption on reads, on behalf of the S3 caller.
 *
 *   generate: authorise(caller, kms:GenerateDataKey, key ARN); kms.generateDataKey(key, 32, ctx)
 *   decrypt:  key = header(blob); authorise(caller, kms:Decrypt, key ARN); kms.decrypt(blob, ctx)
 *   check:    authorise + key usable (Bucket Keys reuse a cached key but never skip these)
 *
 * The AWS managed key alias/aws/s3 is usable through S3 by every caller S3 admits (its key
 * policy on AWS grants use via S3 to the account), so it is not checked against IAM policies.
 */
import type { KmsDataKeys } from '../objects/index.js';
import type { BuiltinKms } from './kms.js';

export interface KmsDataKeysDeps {
  kms: BuiltinKms;
  /** Throws (auth.access_denied) unless `caller` may perform `action` on `keyArn`. */
  authorize(caller: unknown, action: string, keyArn: string): void;
}

export function createKmsDataKeys(deps: KmsDataKeysDeps): KmsDataKeys {
  const { kms } = deps;
  const idOf = (keyArn: string) => keyArn.slice(keyArn.lastIndexOf('/') + 1);
  const authorize = (caller: unknown, action: string, keyArn: string) => {
    if (kms.managerOf(idOf(keyArn)) === 'AWS') return;
    deps.authorize(caller, action, keyArn);
  };
  return {
    async resolve(keyId) {
      const k = keyId === undefined || keyId === '' ? kms.managedKey('s3') : kms.resolve(keyId);
      return kms.keyArn(k.keyId);
    },
    async generateDataKey({ keyArn, context, caller }) {
      authorize(caller, 'kms:GenerateDataKey', keyArn);
      const r = kms.generateDataKey(idOf(keyArn), 32, context);
      return { keyArn: kms.keyArn(r.keyId), plaintext: r.plaintext, ciphertext: r.ciphertext };
    },
    async decrypt({ ciphertext, context, caller }) {
      const keyArn = kms.keyArn(kms.keyOfCiphertext(ciphertext));
      authorize(caller, 'kms:Decrypt', keyArn);
      const r = kms.decrypt(ciphertext, context);
      return { keyArn, plaintext: r.plaintext };
    },
    async check({ keyArn, action, caller }) {
      authorize(caller, action, keyArn);
      kms.assertUsable(idOf(keyArn));
    },
    keyOf(ciphertext) {
      return kms.keyArn(kms.keyOfCiphertext(ciphertext));
    },
  };
}
