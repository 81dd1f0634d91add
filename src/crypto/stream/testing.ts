/** Test helpers for the stream tests (not exported from the crypto area). */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { DataKey } from '../envelope/data-key.js';
import { createDecryptStream, type DecryptStreamOptions } from './decrypt-stream.js';
import { createEncryptStream, type EncryptStreamOptions } from './encrypt-stream.js';

/** Yields `data` in pieces of the given sizes (cycled), to exercise arbitrary write sizes. */
export function pieces(data: Buffer, sizes: number[] = [data.length || 1]): Readable {
  return Readable.from(
    (function* () {
      let off = 0;
      let k = 0;
      while (off < data.length) {
        const n = Math.max(1, sizes[k++ % sizes.length] ?? 1);
        yield data.subarray(off, off + n);
        off += n;
      }
    })(),
    { objectMode: false },
  );
}

export async function collect(source: Readable, transform: NodeJS.ReadWriteStream): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(
    source,
    transform,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(out);
}

export function encrypt(dk: DataKey, plaintext: Buffer, options: EncryptStreamOptions = {}, sizes?: number[]): Promise<Buffer> {
  return collect(pieces(plaintext, sizes), createEncryptStream(dk, options));
}

export function decrypt(dk: DataKey, blob: Buffer, options: DecryptStreamOptions, sizes?: number[]): Promise<Buffer> {
  return collect(pieces(blob, sizes), createDecryptStream(dk, options));
}
