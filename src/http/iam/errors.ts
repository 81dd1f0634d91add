/**
 * Domain error codes -> IAM wire errors. Anything unmapped is ServiceFailure (500) with only the
 * request id in the message; the caller logs the details.
 */
import { isCofferError } from '../../shared/index.js';

export interface IamWireError {
  status: number;
  code: string;
  type: 'Sender' | 'Receiver';
  message: string;
  internal: boolean;
}

const MAP: Record<string, [number, string]> = {
  'iam.no_such_entity': [404, 'NoSuchEntity'],
  'iam.entity_already_exists': [409, 'EntityAlreadyExists'],
  'iam.limit_exceeded': [409, 'LimitExceeded'],
  'iam.policy_too_large': [409, 'LimitExceeded'],
  'iam.delete_conflict': [409, 'DeleteConflict'],
  'iam.malformed_policy': [400, 'MalformedPolicyDocument'],
  'iam.validation': [400, 'ValidationError'],
  'guards.sensitive_field': [400, 'ValidationError'],
  'iam.invalid_input': [400, 'InvalidInput'],
  'iam.password_policy': [400, 'PasswordPolicyViolation'],
  'iam.access_denied': [403, 'AccessDenied'],
  'iam.root_access_keys_disabled': [403, 'AccessDenied'],
  'iam.invalid_user_type': [400, 'InvalidUserType'],
  'iam.invalid_authentication_code': [403, 'InvalidAuthenticationCode'],
  'iam.invalid_action': [400, 'InvalidAction'],
  'iam.unsupported': [400, 'InvalidAction'],
  'http.body_too_large': [413, 'RequestEntityTooLarge'],
};

/** The domain codes this edge maps (a test checks every iam.* code thrown has a row). */
export const MAPPED_CODES: readonly string[] = Object.keys(MAP);

export function toIamError(err: unknown): IamWireError {
  if (isCofferError(err)) {
    const row = MAP[err.code];
    if (row) return { status: row[0], code: row[1], type: 'Sender', message: err.message === err.code ? row[1] : err.message, internal: false };
  }
  return { status: 500, code: 'ServiceFailure', type: 'Receiver', message: 'The request processing has failed because of an unknown error.', internal: true };
}
