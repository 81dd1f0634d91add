/**
 * tar (ustar, pax, GNU), streamed with tar-stream: each regular file is read as a nested part
 * named by its path in the archive. Members that the nested reader did not consume are drained.
 */
import { Readable, pipeline } from 'node:stream';
import { extract as tarExtract } from 'tar-stream';
import { ByteSource } from './byte-source.js';
import { takeEntry, type ReadContext } from './context.js';
import type { ReadEvent } from './types.js';

/** Minimal surface shared by Node and streamx readables. */
interface Flowing {
  on(event: string, fn: (...args: any[]) => void): unknown;
  removeListener(event: string, fn: (...args: any[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
}

/**
 * Pulls a readable chunk by chunk without destroying it when the consumer stops early, so the
 * archive stream around it stays usable; `drain()` then skips what is left.
 */
export function pullReadable(stream: Flowing): { chunks: AsyncGenerator<Buffer>; drain(): Promise<void> } {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const notify = () => { const w = wake; wake = null; w?.(); };
  const onData = (b: Buffer) => { queue.push(b); stream.pause(); notify(); };
  const onEnd = () => { ended = true; notify(); };
  const onError = (e: unknown) => { failure = e; notify(); };
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  stream.pause();
  async function* chunks(): AsyncGenerator<Buffer> {
    while (true) {
      if (queue.length > 0) { yield queue.shift()!; continue; }
      if (failure !== null) throw failure;
      if (ended) return;
      const waiting = new Promise<void>((r) => { wake = r; });
      stream.resume();
      await waiting;
    }
  }
  return {
    chunks: chunks(),
    async drain() {
      stream.removeListener('data', onData);
      queue.length = 0;
      if (ended || failure !== null) return;
      const done = new Promise<void>((r) => { wake = r; });
      stream.resume();
      await done;
      if (failure !== null) throw failure;
    },
  };
}

export async function* readTar(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const input = Readable.from(src);
  const extract = tarExtract();
  pipeline(input, extract as unknown as NodeJS.WritableStream, () => { /* surfaces through the iteration */ });
  try {
    for await (const entry of extract) {
      const { type, name } = entry.header;
      const member = pullReadable(entry);
      if (type === 'file' || type === 'contiguous-file') {
        takeEntry(ctx, name);
        yield* ctx.nested(name, () => new ByteSource(member.chunks));
      }
      await member.drain();
    }
  } finally {
    extract.destroy();
    input.destroy();
  }
}
