/** CofferError -> AWS KMS JSON error (`__type` and status). Unmapped codes are KMSInternalException. */
import { isCofferError } from '../../shared/index.js';

export interface KmsWireError {
  status: number;
  type: string;
  message: string;
}

/** Domain code -> KMS exception name (status 400 unless noted). */
export const KMS_ERRORS: Readonly<Record<string, string>> = {
  'kms.not_found': 'NotFoundException',
  'kms.disabled': 'DisabledException',
  'kms.invalid_state': 'KMSInvalidStateException',
  'kms.key_deleted': 'KMSInvalidStateException',
  'kms.invalid_ciphertext': 'InvalidCiphertextException',
  'kms.incorrect_key': 'IncorrectKeyException',
  'kms.validation': 'ValidationException',
  'kms.already_exists': 'AlreadyExistsException',
  'kms.invalid_alias_name': 'InvalidAliasNameException',
  'kms.unsupported_operation': 'UnsupportedOperationException',
  'kms.tag': 'TagException',
  'kms.invalid_marker': 'InvalidMarkerException',
  'kms.unknown_operation': 'UnknownOperationException',
  'kms.serialization': 'SerializationException',
  'auth.access_denied': 'AccessDeniedException',
};

export function toKmsError(err: unknown): KmsWireError {
  if (isCofferError(err)) {
    const type = KMS_ERRORS[err.code];
    if (type !== undefined) return { status: 400, type, message: err.message === err.code ? type : err.message };
  }
  return { status: 500, type: 'KMSInternalException', message: 'The request was rejected because an internal exception occurred.' };
}
