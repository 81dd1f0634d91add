/**
 * State shared by the readers of one object: limits, the container path of the part being read,
 * its nesting depth, and the budget all nested containers draw from (entries, inflated bytes).
 */
import type { SkipReason } from '../types.js';
import type { ByteSource } from './byte-source.js';
import type { Limits, ReadEvent } from './types.js';

export interface Budget {
  entries: number;
  uncompressedBytes: number;
}

export interface ReadContext {
  readonly limits: Readonly<Limits>;
  /** Container path of the part being read ([] = the object itself). */
  readonly container: string[];
  readonly depth: number;
  readonly budget: Budget;
  readonly signal: AbortSignal | undefined;
  /**
   * Reads a member of this container (an archive entry, an attachment) one level deeper.
   * `open` is called only when the depth limit allows it and receives the member's context (the
   * owner to give inflate guards, so a bomb is reported on the member).
   */
  nested(
    name: string,
    open: (member: ReadContext) => ByteSource | Promise<ByteSource>,
    hints?: { contentType?: string },
  ): AsyncGenerator<ReadEvent[]>;
}

/**
 * Thrown to abandon a part for a Macie-style reason. `owner` says which reader reports it: the
 * container whose guard tripped (a bomb reported on the gzip/zip entry), or the object-wide budget.
 */
export class LimitError extends Error {
  constructor(readonly reason: SkipReason, readonly owner: object, detail: string, readonly container: string[] = []) {
    super(detail);
    this.name = 'LimitError';
  }
}

/** Wraps the error of the object's own input so readers do not mistake it for a corrupt file. */
export class SourceError extends Error {
  constructor(cause: unknown) {
    super('discovery.formats.source_failed', { cause });
    this.name = 'SourceError';
  }
}

export function skipped(container: string[], reason: SkipReason, detail?: string): ReadEvent {
  return { type: 'skipped', part: detail === undefined ? { container, reason } : { container, reason, detail } };
}

/**
 * Counts bytes coming out of a decompressor against the object-wide budget and the per-stream
 * compression ratio. `compressedIn()` reports how many compressed bytes went in so far.
 */
export async function* guardInflated(
  out: AsyncIterable<Buffer>,
  ctx: ReadContext,
  owner: object,
  compressedIn: () => number,
): AsyncGenerator<Buffer> {
  const { maxCompressionRatio, minBytesForRatioCheck, maxTotalUncompressedBytes } = ctx.limits;
  let produced = 0;
  for await (const b of out) {
    produced += b.length;
    ctx.budget.uncompressedBytes += b.length;
    if (ctx.budget.uncompressedBytes > maxTotalUncompressedBytes) {
      throw new LimitError('SIZE_LIMIT_EXCEEDED', ctx.budget, `more than ${maxTotalUncompressedBytes} bytes decompressed`, ctx.container);
    }
    if (produced >= minBytesForRatioCheck && produced > maxCompressionRatio * Math.max(1, compressedIn())) {
      throw new LimitError('ARCHIVE_BOMB', owner, `compression ratio above ${maxCompressionRatio}`);
    }
    yield b;
  }
}

/** Counts one archive member (`name`) against the object-wide entry budget. */
export function takeEntry(ctx: ReadContext, name: string): void {
  ctx.budget.entries += 1;
  if (ctx.budget.entries > ctx.limits.maxEntries) {
    throw new LimitError('TOO_MANY_ENTRIES', ctx.budget, `more than ${ctx.limits.maxEntries} archive entries`, [...ctx.container, name]);
  }
}
