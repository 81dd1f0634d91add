/**
 * CRC-64/NVME slice-by-16 as a tiny WebAssembly function, for native 64-bit integer arithmetic
 * (JavaScript bit operations are 32-bit, which halves the pure-JS speed). The module is assembled
 * here from readable opcodes -- no build step, no binary in the repository -- and instantiated
 * synchronously at import. Same algorithm and tables as crc64nvme.ts:
 *
 *   update(crc: i64, ptr: i32, len: i32) -> i64        // crc is the un-inverted register
 *     while len >= 16:
 *       x = crc ^ load64le(ptr); y = load64le(ptr + 8)     // 32-bit halves: x.lo, x.hi, y.lo, y.hi
 *       crc = T15[x.b0] ^ T14[x.b1] ^ ... ^ T8[x.b7] ^ T7[y.b0] ^ ... ^ T0[y.b7]
 *       ptr += 16; len -= 16
 *     while len > 0: crc = T0[(crc ^ load8(ptr)) & 0xff] ^ (crc >> 8); ptr++; len--
 * (Tk[b] = CRC register after byte b followed by k zero bytes; slices 0-7 are the JS tables.)
 * Sixteen independent lookups per step give the CPU more parallel loads than slice-by-8.
 *
 * Memory: tables at [0, 32 KiB) (slice k at k * 2 KiB, 8-byte little-endian entries),
 * input window at [INPUT_BASE, INPUT_BASE + INPUT_SIZE). Callers copy at most INPUT_SIZE bytes
 * at a time. One instance per process is safe: calls are synchronous and never re-enter.
 */

export const SLICES = 16;
export const INPUT_BASE = SLICES * 2048;
export const INPUT_SIZE = 256 * 1024;
const PAGES = Math.ceil((INPUT_BASE + INPUT_SIZE) / 65536);

// Opcodes used (WebAssembly core spec 1.0).
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d, void: 0x40,
  localGet: 0x20, localSet: 0x21, i32Const: 0x41, i64Const: 0x42,
  i64Load: 0x29, i64Load8u: 0x31,
  i32Eqz: 0x45, i32LtU: 0x49, i32Add: 0x6a, i32Sub: 0x6b, i32And: 0x71, i32Shl: 0x74, i32ShrU: 0x76,
  i64Xor: 0x85, i64ShrU: 0x88, i32WrapI64: 0xa7,
} as const;
const I32 = 0x7f;
const I64 = 0x7e;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...Buffer.from(s, 'latin1')];

// Locals: 0 crc (i64), 1 ptr (i32), 2 len (i32), 3 x (i64), 4 lo (i32), 5 hi (i32), 6 y (i64), 7 lo2, 8 hi2 (i32).
const CRC = 0, PTR = 1, LEN = 2, X = 3, LO = 4, HI = 5, Y = 6, LO2 = 7, HI2 = 8;

/** Table address of byte `j` (0 = lowest) of i32 local `local`, for slice `slice`, then i64.load. */
function lookup(local: number, j: number, slice: number): number[] {
  // address = ((v >>> (8j)) & 0xff) * 8 = (v >>> (8j - 3)) & 0x7f8  (j >= 1), (v << 3) & 0x7f8 (j = 0)
  const shift = j === 0 ? [OP.i32Const, ...sleb(3), OP.i32Shl] : [OP.i32Const, ...sleb(8 * j - 3), OP.i32ShrU];
  return [OP.localGet, local, ...shift, OP.i32Const, ...sleb(0x7f8), OP.i32And, OP.i64Load, 3, ...uleb(slice * 2048)];
}

function body(): number[] {
  const step16: number[] = [
    OP.localGet, CRC, OP.localGet, PTR, OP.i64Load, 3, ...uleb(0), OP.i64Xor, OP.localSet, X,
    OP.localGet, PTR, OP.i64Load, 3, ...uleb(8), OP.localSet, Y,
    OP.localGet, X, OP.i32WrapI64, OP.localSet, LO,
    OP.localGet, X, OP.i64Const, ...sleb(32), OP.i64ShrU, OP.i32WrapI64, OP.localSet, HI,
    OP.localGet, Y, OP.i32WrapI64, OP.localSet, LO2,
    OP.localGet, Y, OP.i64Const, ...sleb(32), OP.i64ShrU, OP.i32WrapI64, OP.localSet, HI2,
    ...lookup(LO, 0, 15),
  ];
  const words = [LO, HI, LO2, HI2];
  for (let k = 1; k < 16; k++) step16.push(...lookup(words[k >> 2]!, k & 3, 15 - k), OP.i64Xor);
  step16.push(
    OP.localSet, CRC,
    OP.localGet, PTR, OP.i32Const, ...sleb(16), OP.i32Add, OP.localSet, PTR,
    OP.localGet, LEN, OP.i32Const, ...sleb(16), OP.i32Sub, OP.localSet, LEN,
  );
  const step1: number[] = [
    OP.localGet, CRC, OP.localGet, PTR, OP.i64Load8u, 0, ...uleb(0), OP.i64Xor, OP.i32WrapI64, OP.localSet, LO,
    ...lookup(LO, 0, 0),
    OP.localGet, CRC, OP.i64Const, ...sleb(8), OP.i64ShrU, OP.i64Xor, OP.localSet, CRC,
    OP.localGet, PTR, OP.i32Const, ...sleb(1), OP.i32Add, OP.localSet, PTR,
    OP.localGet, LEN, OP.i32Const, ...sleb(1), OP.i32Sub, OP.localSet, LEN,
  ];
  const code = [
    OP.block, OP.void, OP.loop, OP.void,
    OP.localGet, LEN, OP.i32Const, ...sleb(16), OP.i32LtU, OP.brIf, 1,
    ...step16,
    OP.br, 0, OP.end, OP.end,
    OP.block, OP.void, OP.loop, OP.void,
    OP.localGet, LEN, OP.i32Eqz, OP.brIf, 1,
    ...step1,
    OP.br, 0, OP.end, OP.end,
    OP.localGet, CRC,
    OP.end,
  ];
  const locals = vec([[1, I64], [2, I32], [1, I64], [2, I32]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

function assemble(): Uint8Array {
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[I64], [I32], [I32]]), ...vec([[I64]])]])),
    ...section(3, vec([[0]])),
    ...section(5, vec([[0x00, ...uleb(PAGES)]])),
    ...section(7, vec([[...name('memory'), 0x02, 0], [...name('update'), 0x00, 0]])),
    ...section(10, vec([body()])),
  ]);
}

export interface Crc64Wasm {
  /** Continues `crc` (un-inverted register) over `data`. */
  update(crc: bigint, data: Uint8Array): bigint;
}

/**
 * Instantiates the module with `table` (slice-major, [lo, hi] uint32 pairs, at least SLICES
 * slices); undefined if WebAssembly is unavailable.
 */
// The slice of the WebAssembly JS API used here (the project's TypeScript lib has no DOM/wasm
// typings); absent under --jitless, in which case the JavaScript path is used.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

export function loadCrc64Wasm(table: Uint32Array): Crc64Wasm | undefined {
  const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (api === undefined) return undefined;
  try {
    const instance = new api.Instance(new api.Module(assemble()));
    const memory = instance.exports['memory'] as { buffer: ArrayBuffer };
    const update = instance.exports['update'] as (crc: bigint, ptr: number, len: number) => bigint;
    const view = new DataView(memory.buffer);
    if (table.length < SLICES * 512) return undefined;
    for (let i = 0; i < SLICES * 512; i += 2) {
      view.setUint32(i * 4, table[i]!, true);
      view.setUint32(i * 4 + 4, table[i + 1]!, true);
    }
    const heap = new Uint8Array(memory.buffer);
    return {
      update(crc, data) {
        for (let off = 0; off < data.length; off += INPUT_SIZE) {
          const piece = data.subarray(off, off + INPUT_SIZE);
          heap.set(piece, INPUT_BASE);
          crc = update(crc, INPUT_BASE, piece.length);
        }
        return BigInt.asUintN(64, crc);
      },
    };
  } catch {
    return undefined;
  }
}
