/**
 * gzip (one or more members): inflated as a stream into a nested part named after the file
 * without its .gz suffix. The inflated bytes count against the object budget and the ratio limit.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ByteSource } from './byte-source.js';
import { guardInflated, type ReadContext } from './context.js';
import type { ReadEvent } from './types.js';

export function innerName(filename: string | undefined): string {
  const base = (filename ?? '').slice((filename ?? '').lastIndexOf('/') + 1);
  if (/\.tgz$/i.test(base)) return base.replace(/\.tgz$/i, '.tar');
  const stripped = base.replace(/\.(gz|gzip)$/i, '');
  return stripped !== '' && stripped !== base ? stripped : 'content';
}

export async function* readGzip(src: ByteSource, ctx: ReadContext, filename: string | undefined): AsyncGenerator<ReadEvent> {
  let compressedIn = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const b of src) { compressedIn += b.length; yield b; }
  }
  const input = Readable.from(counted());
  const gunzip = createGunzip();
  pipeline(input, gunzip, () => { /* errors surface through the iteration of gunzip */ });
  try {
    yield* ctx.nested(innerName(filename), (member) => new ByteSource(guardInflated(gunzip, member, member, () => compressedIn)));
  } finally {
    gunzip.destroy();
    input.destroy();
  }
}
