/**
 * CRC-32 (ISO-HDLC, zlib) and CRC-32C (Castagnoli), incremental: `crc32(data, previous)` returns
 * the CRC of everything fed so far, as the uint32 S3 encodes big-endian before base64.
 *
 *   CRC-32:  reflected poly 0xEDB88320, init/xorout 0xFFFFFFFF, check("123456789") = 0xCBF43926
 *   CRC-32C: reflected poly 0x82F63B78, init/xorout 0xFFFFFFFF, check("123456789") = 0xE3069283
 *
 * Backends, fastest available first (both run at memory speed with SSE4.2/PCLMUL):
 *   CRC-32:  node:zlib crc32 (Node >= 20.15 / 22.2), else the table fallback below.
 *   CRC-32C: @node-rs/crc32 (prebuilt N-API binary shipped inside the npm package), else fallback.
 * Fallback: byte-wise table  crc = ~prev; for b: crc = T[(crc ^ b) & 0xff] ^ (crc >>> 8); return ~crc
 */
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';

export type Crc32Fn = (data: Uint8Array, previous?: number) => number;

function makeTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Portable byte-wise implementation of a reflected 32-bit CRC with init/xorout 0xFFFFFFFF. */
export function tableCrc32(poly: number): Crc32Fn {
  const T = makeTable(poly);
  return (data, previous = 0) => {
    let crc = ~previous;
    for (let i = 0; i < data.length; i++) crc = T[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
    return ~crc >>> 0;
  };
}

type ZlibWithCrc = { crc32?: (data: Uint8Array | string, value?: number) => number };
const zlibCrc32 = (zlib as unknown as ZlibWithCrc).crc32;

function loadNodeRsCrc32c(): Crc32Fn | undefined {
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (input: Buffer, initial?: number) => number };
    const fn: Crc32Fn = (data, previous = 0) => mod.crc32c(asBuffer(data), previous) >>> 0;
    // Guard against a broken binary: it must reproduce the published check value.
    return fn(Buffer.from('123456789')) === 0xe3069283 ? fn : undefined;
  } catch {
    return undefined;
  }
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

const nodeRsCrc32c = loadNodeRsCrc32c();

/** Which implementation each CRC uses in this process (for the bench and diagnostics). */
export const crc32Backends: Readonly<{ crc32: string; crc32c: string }> = Object.freeze({
  crc32: typeof zlibCrc32 === 'function' ? 'node:zlib' : 'js-table',
  crc32c: nodeRsCrc32c ? '@node-rs/crc32' : 'js-table',
});

/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it; 0 to start). */
export const crc32: Crc32Fn =
  typeof zlibCrc32 === 'function' ? (data, previous = 0) => zlibCrc32(data, previous) >>> 0 : tableCrc32(0xedb88320);

/** CRC-32C of `data`, continuing from `previous` (0 to start). */
export const crc32c: Crc32Fn = nodeRsCrc32c ?? tableCrc32(0x82f63b78);
