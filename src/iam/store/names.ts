/** IAM names, paths, ids and ARNs. Validation errors are 'iam.validation' (ValidationError). */
import { randomInt } from 'node:crypto';
import { CofferError } from '../../shared/index.js';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomChars(alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Unique ids as IAM spells them: AIDA (user), AGPA (group), AROA (role), ANPA (policy), AKIA (access key). */
export function newId(prefix: 'AIDA' | 'AGPA' | 'AROA' | 'ANPA'): string {
  return prefix + randomChars(B32, 17);
}

export function newAccessKeyId(): string {
  return 'AKIA' + randomChars(B32, 16);
}

/** 40 characters from the base64 alphabet, as AWS secret keys look. */
export function newSecretAccessKey(): string {
  return randomChars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 40);
}

export type NameKind = 'user' | 'group' | 'role' | 'policy' | 'inline policy';
const MAX: Record<NameKind, number> = { user: 64, group: 128, role: 64, policy: 128, 'inline policy': 128 };
const NAME_RE = /^[\w+=,.@-]+$/;

function invalid(message: string): CofferError {
  return new CofferError('iam.validation', { message });
}

/** Checks an entity name against IAM's pattern and length. */
export function validateName(kind: NameKind, name: string | undefined, param: string): string {
  if (name === undefined || name === '') throw invalid(`1 validation error detected: Value at '${param}' failed to satisfy constraint: Member must not be null`);
  if (name.length > MAX[kind] || !NAME_RE.test(name)) {
    throw invalid(`1 validation error detected: Value at '${param}' failed to satisfy constraint: Member must have length less than or equal to ${MAX[kind]} and satisfy the pattern [\\w+=,.@-]+`);
  }
  return name;
}

/** '/' or '/a/b/' (printable ASCII, at most 512 characters). */
export function validatePath(path: string | undefined, param = 'path'): string {
  const p = path ?? '/';
  if (p.length > 512 || !/^(?:\/|\/[\x21-\x7E]+\/)$/.test(p) || p.includes('//')) {
    throw invalid(`1 validation error detected: Value at '${param}' failed to satisfy constraint: Member must satisfy the pattern (\\u002F)|(\\u002F[\\u0021-\\u007F]+\\u002F)`);
  }
  return p;
}

export function arnOf(accountId: string, kind: 'user' | 'group' | 'role' | 'policy', path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

/** ISO 8601 without milliseconds, as IAM returns dates. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
