/**
 * CRC combination: the CRC of A||B from crc(A), crc(B) and len(B) alone, for CRC-32, CRC-32C and
 * CRC-64/NVME. S3 uses it for FULL_OBJECT multipart checksums (whole-object CRC from part CRCs).
 *
 * Why it works. For a reflected CRC with init I and xorout X, over GF(2)[x] modulo P (degree W):
 *   crc(M) = (I * x^(8|M|) + M(x) * x^W) mod P  +  X
 * so  crc(A||B) = crc(A) * x^(8|B|) + crc(B)  + (I + X) * x^(8|B|)   (all mod P),
 * and the last term vanishes because all three algorithms have I = X = all ones. Hence
 *   combine(crcA, crcB, lenB) = multmodp(x^(8*lenB) mod P, crcA) XOR crcB
 * This is zlib's crc32_combine (zlib >= 1.2.12, the x^(8n) mod P method), with the polynomial and
 * width as parameters and BigInt arithmetic so one code path serves 32- and 64-bit CRCs.
 *
 * Pseudo-code (reflected bit order: the top bit of a W-bit word is the coefficient of x^0):
 *   multmodp(a, b):                      // a*b mod P
 *     m = 1 << (W-1); p = 0
 *     loop: if a & m: p ^= b; if a & (m-1) == 0: return p
 *           m >>= 1; b = (b & 1) ? (b >> 1) ^ POLY : b >> 1      // b *= x
 *   X2N[0] = x^1 = 1 << (W-2); X2N[k] = multmodp(X2N[k-1], X2N[k-1])   // x^(2^k) mod P
 *   x8nmodp(n):                          // x^(8n) mod P by square-and-multiply on n's bits
 *     p = x^0 = 1 << (W-1); k = 3
 *     while n: if n & 1: p = multmodp(X2N[k], p); n >>= 1; k += 1
 *     return p
 * A length's x^(8n) is cached per call, since multipart parts usually share one size.
 */
import { CofferError } from '../../shared/errors.js';
import type { CrcAlgorithm } from './algorithms.js';

interface CrcSpec {
  readonly width: bigint;
  readonly bytes: number;
  readonly poly: bigint; // reflected, without the x^W term
  readonly x2n: readonly bigint[];
}

function multmodp(spec: Pick<CrcSpec, 'width' | 'poly'>, a: bigint, b: bigint): bigint {
  if (a === 0n) return 0n;
  let m = 1n << (spec.width - 1n);
  let p = 0n;
  for (;;) {
    if ((a & m) !== 0n) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) return p;
    }
    m >>= 1n;
    b = (b & 1n) !== 0n ? (b >> 1n) ^ spec.poly : b >> 1n;
  }
}

function makeSpec(width: number, poly: bigint): CrcSpec {
  const w = BigInt(width);
  const base = { width: w, poly };
  const x2n: bigint[] = [1n << (w - 2n)];
  // 64 entries: 8 * length stays below 2^64 for any length a Number can hold.
  for (let k = 1; k < 64; k++) x2n.push(multmodp(base, x2n[k - 1]!, x2n[k - 1]!));
  return { width: w, bytes: width / 8, poly, x2n };
}

const SPECS: Readonly<Record<CrcAlgorithm, CrcSpec>> = {
  CRC32: makeSpec(32, 0xedb88320n),
  CRC32C: makeSpec(32, 0x82f63b78n),
  CRC64NVME: makeSpec(64, 0x9a6c9329ac4bc9b5n),
};

function x8nmodp(spec: CrcSpec, length: bigint): bigint {
  let p = 1n << (spec.width - 1n);
  let k = 3;
  let n = length;
  while (n > 0n) {
    if ((n & 1n) !== 0n) p = multmodp(spec, spec.x2n[k]!, p);
    n >>= 1n;
    k++;
  }
  return p;
}

function toBigInt(spec: CrcSpec, algorithm: CrcAlgorithm, crc: Uint8Array): bigint {
  if (crc.length !== spec.bytes) {
    throw new CofferError('checksum.invalid', {
      message: `A ${algorithm} checksum must be ${spec.bytes} bytes`,
      details: { algorithm, length: crc.length },
    });
  }
  let v = 0n;
  for (const byte of crc) v = (v << 8n) | BigInt(byte);
  return v;
}

function toBytes(spec: CrcSpec, v: bigint): Buffer {
  const out = Buffer.alloc(spec.bytes);
  for (let i = spec.bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function toLength(size: number | bigint): bigint {
  if (typeof size === 'number' && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new CofferError('checksum.invalid', { message: 'Part size must be a non-negative integer' });
  }
  const n = BigInt(size);
  if (n < 0n) throw new CofferError('checksum.invalid', { message: 'Part size must be a non-negative integer' });
  return n;
}

/** A CRC (big-endian digest bytes) and the number of bytes it covers. */
export interface CrcPart {
  readonly crc: Uint8Array;
  readonly size: number | bigint;
}

/**
 * The CRC of the concatenation of all parts, in order, from their CRCs and sizes.
 * Zero parts give the CRC of the empty input (all zero bytes for these algorithms).
 */
export function crcCombineAll(algorithm: CrcAlgorithm, parts: readonly CrcPart[]): Buffer {
  const spec = SPECS[algorithm];
  const shifts = new Map<bigint, bigint>();
  let acc = 0n; // crc of the empty string
  for (const part of parts) {
    const crc = toBigInt(spec, algorithm, part.crc);
    const len = toLength(part.size);
    let shift = shifts.get(len);
    if (shift === undefined) {
      shift = x8nmodp(spec, len);
      shifts.set(len, shift);
    }
    acc = multmodp(spec, shift, acc) ^ crc;
  }
  return toBytes(spec, acc);
}

/** crc(A||B) from crc(A), crc(B) and the byte length of B. */
export function crcCombine(algorithm: CrcAlgorithm, crcA: Uint8Array, crcB: Uint8Array, lengthB: number | bigint): Buffer {
  return crcCombineAll(algorithm, [
    { crc: crcA, size: 0 },
    { crc: crcB, size: lengthB },
  ]);
}
