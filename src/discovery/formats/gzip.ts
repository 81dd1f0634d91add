/**
 * gzip (one or more members): inflated as a stream into a nested part named after the file
 * without its .gz suffix. The inflated bytes count against the object budget and the ratio limit.
 * When the nested reader stops early (an unsupported binary member, say), inflation goes on a
 * little further (2 x minBytesForRatioCheck at most) so that a bomb of zeros is still reported as
 * ARCHIVE_BOMB, at a bounded cost.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ByteSource } from './byte-source.js';
import { LimitError, SourceError, guardInflated, skipped, type ReadContext } from './context.js';
import type { ReadEvent } from './types.js';

export function innerName(filename: string | undefined): string {
  const base = (filename ?? '').slice((filename ?? '').lastIndexOf('/') + 1);
  if (/\.tgz$/i.test(base)) return base.replace(/\.tgz$/i, '.tar');
  const stripped = base.replace(/\.(gz|gzip)$/i, '');
  return stripped !== '' && stripped !== base ? stripped : 'content';
}

export async function* readGzip(src: ByteSource, ctx: ReadContext, filename: string | undefined): AsyncGenerator<ReadEvent[]> {
  let compressedIn = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const b of src) { compressedIn += b.length; yield b; }
  }
  const input = Readable.from(counted());
  const gunzip = createGunzip();
  pipeline(input, gunzip, () => { /* errors surface through the iteration of gunzip */ });
  let member: ReadContext | null = null;
  let inflated: AsyncIterator<Buffer> | null = null;
  try {
    yield* ctx.nested(innerName(filename), (m) => {
      member = m;
      inflated = guardInflated(gunzip, m, m, () => compressedIn)[Symbol.asyncIterator]();
      const it = inflated;
      // the nested reader must not end the inflation: the tail is checked below
      return new ByteSource({ [Symbol.asyncIterator]: () => ({ next: () => it.next() }) });
    });
    if (inflated !== null && member !== null) yield* checkTail(inflated, member);
  } finally {
    await (inflated as AsyncIterator<Buffer> | null)?.return?.();
    gunzip.destroy();
    input.destroy();
  }
}

async function* checkTail(inflated: AsyncIterator<Buffer>, member: ReadContext): AsyncGenerator<ReadEvent[]> {
  let extra = 0;
  try {
    while (extra < 2 * member.limits.minBytesForRatioCheck) {
      const r = await inflated.next();
      if (r.done) return;
      extra += r.value.length;
    }
  } catch (e) {
    if (e instanceof LimitError && e.owner === member) yield [skipped(member.container, e.reason, e.message)];
    else if (e instanceof LimitError || e instanceof SourceError) throw e;
    // a damaged tail the member's reader never asked for is not worth a report of its own
  }
}
