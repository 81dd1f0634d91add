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
 * A length's x^(8n) is cached per call, since multipart parts usually share one size; the
 * per-part multiply runs on uint32 words (BigInt is an order of magnitude slower there).
 */
import { CofferError } from '../../shared/errors.js';
import type { CrcAlgorithm } from './algorithms.js';

interface CrcSpec {
  readonly width: bigint;
  readonly bytes: number;
  readonly poly: bigint; // reflected, without the x^W term
  readonly x2n: readonly bigint[];
  // The polynomial as uint32 words (see Words) for the per-part fast path.
  readonly polyHi: number;
  readonly polyLo: number;
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
  const polyHi = width === 32 ? Number(poly) : Number(poly >> 32n);
  const polyLo = width === 32 ? 0 : Number(poly & 0xffffffffn);
  return { width: w, bytes: width / 8, poly, x2n, polyHi, polyLo };
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
  const shifts = new Map<bigint, Words>();
  const acc: Words = { hi: 0, lo: 0 }; // crc of the empty string
  for (const part of parts) {
    const crc = toWords(spec, toBigInt(spec, algorithm, part.crc));
    const len = toLength(part.size);
    let shift = shifts.get(len);
    if (shift === undefined) {
      shift = toWords(spec, x8nmodp(spec, len));
      shifts.set(len, shift);
    }
    // acc = multmodp(shift, acc) ^ crc, on 32-bit words: this runs once per part (up to 10,000).
    if (spec.width === 32n) {
      acc.hi = (mul32(shift.hi, acc.hi, spec.polyHi) ^ crc.hi) >>> 0;
    } else {
      mul64(shift, acc, spec.polyHi, spec.polyLo);
      acc.hi = (acc.hi ^ crc.hi) >>> 0;
      acc.lo = (acc.lo ^ crc.lo) >>> 0;
    }
  }
  return toBytes(spec, (BigInt(acc.hi) << (spec.width - 32n)) | BigInt(acc.lo));
}

/** A CRC register as uint32 words: 32-bit CRCs use `hi` only; 64-bit ones `hi` (x^0..x^31) and `lo`. */
interface Words {
  hi: number;
  lo: number;
}

function toWords(spec: CrcSpec, v: bigint): Words {
  return spec.width === 32n ? { hi: Number(v), lo: 0 } : { hi: Number(v >> 32n), lo: Number(v & 0xffffffffn) };
}

/** multmodp for 32-bit CRCs on plain numbers. */
function mul32(a: number, b: number, poly: number): number {
  let p = 0;
  for (let m = 0x80000000; m !== 0; m >>>= 1) {
    if ((a & m) !== 0) p ^= b;
    b = b & 1 ? (b >>> 1) ^ poly : b >>> 1;
  }
  return p >>> 0;
}

/** multmodp for 64-bit CRCs on two uint32 words; writes the product into `b`. */
function mul64(a: Words, b: Words, polyHi: number, polyLo: number): void {
  let pHi = 0;
  let pLo = 0;
  let bHi = b.hi;
  let bLo = b.lo;
  for (let i = 0; i < 64; i++) {
    const bit = i < 32 ? (a.hi >>> (31 - i)) & 1 : (a.lo >>> (63 - i)) & 1;
    if (bit) {
      pHi ^= bHi;
      pLo ^= bLo;
    }
    const carry = bLo & 1;
    bLo = ((bLo >>> 1) | (bHi << 31)) >>> 0;
    bHi = bHi >>> 1;
    if (carry) {
      bHi ^= polyHi;
      bLo ^= polyLo;
    }
  }
  b.hi = pHi >>> 0;
  b.lo = pLo >>> 0;
}

/** crc(A||B) from crc(A), crc(B) and the byte length of B. */
export function crcCombine(algorithm: CrcAlgorithm, crcA: Uint8Array, crcB: Uint8Array, lengthB: number | bigint): Buffer {
  return crcCombineAll(algorithm, [
    { crc: crcA, size: 0 },
    { crc: crcB, size: lengthB },
  ]);
}
