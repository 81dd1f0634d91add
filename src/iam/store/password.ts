/**
 * Console passwords: scrypt (memory-hard), a per-password random salt, constant-time compare.
 *
 *   hash   = scrypt(password (NFKC), salt(16), N = 2^15, r = 8, p = 1, 32 bytes)   // 32 MiB per hash
 *   stored = 'scrypt$1$' || log2(N) || '$' || r || '$' || p || '$' || b64(salt) || '$' || b64(hash)
 *
 * Parameters are stored with the hash so they can be raised later without breaking old rows.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { CofferError } from '../../shared/index.js';
import type { PasswordPolicy } from './types.js';

const LOG_N = 15;
const R = 8;
const P = 1;
const KEY_LEN = 32;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes.
    scrypt(password.normalize('NFKC'), salt, KEY_LEN, { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, LOG_N, R, P);
  return `scrypt$1$${LOG_N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 7 || parts[0] !== 'scrypt' || parts[1] !== '1') return false;
  const [logN, r, p] = [Number(parts[2]), Number(parts[3]), Number(parts[4])];
  if (![logN, r, p].every((x) => Number.isInteger(x) && x > 0 && x < 32)) return false;
  const expected = Buffer.from(parts[6] as string, 'base64');
  const actual = await derive(password, Buffer.from(parts[5] as string, 'base64'), logN, r, p);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Throws 'iam.password_policy' (PasswordPolicyViolation) naming the rules the password breaks. */
export function checkPassword(password: string, userName: string, policy: PasswordPolicy): void {
  const broken: string[] = [];
  const length = [...password].length;
  if (length < policy.minimumPasswordLength) broken.push(`at least ${policy.minimumPasswordLength} characters`);
  if (length > 128) broken.push('at most 128 characters');
  if (policy.requireSymbols && !/[^A-Za-z0-9]/.test(password)) broken.push('a symbol');
  if (policy.requireNumbers && !/[0-9]/.test(password)) broken.push('a number');
  if (policy.requireUppercaseCharacters && !/[A-Z]/.test(password)) broken.push('an uppercase letter');
  if (policy.requireLowercaseCharacters && !/[a-z]/.test(password)) broken.push('a lowercase letter');
  if (password.toLowerCase() === userName.toLowerCase()) broken.push('not the user name');
  if (broken.length) throw new CofferError('iam.password_policy', { message: `Password does not conform to the account password policy: needs ${broken.join(', ')}.` });
}
