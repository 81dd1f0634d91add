/**
 * Check-digit algorithms used by the managed identifiers (sources: python-stdnum, Presidio, CMS,
 * HMRC; see shared/reference/sensitive-data-discovery.md section 5). Each validator takes the
 * normalised string (separators removed). The `*CheckDigit` functions compute the digit for a
 * body; the evaluation corpus uses them to generate valid values.
 *
 *   luhn:       from the right, double every 2nd digit (minus 9 if > 9); valid iff sum % 10 == 0
 *   verhoeff:   c = 0; for i, d in reversed(digits): c = D[c][P[i % 8][d]]; valid iff c == 0
 *   mod97:      move 4 first chars to the end, letters A=10..Z=35, value % 97 == 1 (IBAN)
 *   iso7064 11,10: p = 10; for d: s = (d + p) % 10 || 10; p = 2s % 11; check = (11 - p) % 10
 */

const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 3, 4, 0, 6, 7, 8, 9, 5], [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7], [4, 0, 1, 2, 3, 9, 5, 6, 7, 8], [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2], [7, 6, 5, 9, 8, 2, 1, 0, 4, 3], [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 5, 7, 6, 2, 8, 3, 0, 9, 4], [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7], [9, 4, 5, 3, 1, 2, 6, 8, 7, 0], [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5], [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];
const INV = [0, 4, 3, 2, 1, 5, 6, 7, 8, 9];

const dv = (s: string, i: number): number => s.charCodeAt(i) - 48;

/** Luhn sum over `digits` (digits only), with `offset` extra (e.g. 24 for the NPI "80840" prefix). */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  let dbl = doubleRightmost;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = dv(digits, i);
    if (dbl) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
    dbl = !dbl;
  }
  return sum;
}

export function luhnValid(digits: string): boolean {
  return digits.length > 1 && luhnSum(digits, false) % 10 === 0;
}

export function luhnCheckDigit(body: string): string {
  return String((10 - (luhnSum(body, true) % 10)) % 10);
}

export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) c = D[c]![P[i % 8]![dv(digits, digits.length - 1 - i)]!]!;
  return c === 0;
}

export function verhoeffCheckDigit(body: string): string {
  let c = 0;
  for (let i = 0; i < body.length; i++) c = D[c]![P[(i + 1) % 8]![dv(body, body.length - 1 - i)]!]!;
  return String(INV[c]);
}

/** ISO 7064 MOD 97-10 over an alphanumeric string already rearranged; returns value mod 97. */
export function mod97(s: string): number {
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) r = (r * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) r = (r * 100 + (c - 55)) % 97;
    else return -1;
  }
  return r;
}

/** ISO 7064 MOD 11,10 check digit for a digit body (German Steuer-IdNr). */
export function iso7064Mod1110CheckDigit(body: string): string {
  let p = 10;
  for (let i = 0; i < body.length; i++) {
    let s = (dv(body, i) + p) % 10;
    if (s === 0) s = 10;
    p = (2 * s) % 11;
  }
  return String((11 - p) % 10);
}

/** Weighted sum of digits with the given weights (left-aligned). */
export function weightedSum(digits: string, weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += dv(digits, i) * weights[i]!;
  return s;
}

/** True when every character of s is the same (a common filler: 000000000, 111…). */
export function allSame(s: string): boolean {
  for (let i = 1; i < s.length; i++) if (s.charCodeAt(i) !== s.charCodeAt(0)) return false;
  return true;
}

/** True for strictly ascending/descending digit sequences like 123456789 or 987654321. */
export function isSequential(digits: string): boolean {
  if (digits.length < 6) return false;
  let up = true;
  let down = true;
  for (let i = 1; i < digits.length; i++) {
    const d = dv(digits, i) - dv(digits, i - 1);
    if (d !== 1 && d !== -9) up = false;
    if (d !== -1 && d !== 9) down = false;
  }
  return up || down;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) { const p = n / s.length; h -= p * Math.log2(p); }
  return h;
}

/** Keep only ASCII digits. */
export function digitsOnly(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) { const c = s.charCodeAt(i); if (c >= 48 && c <= 57) out += s[i]; }
  return out;
}

/** Remove spaces, dashes, dots and slashes (the separators national formats allow). */
export function stripSeparators(s: string): string {
  return s.replace(/[\s\-./]/g, '');
}
