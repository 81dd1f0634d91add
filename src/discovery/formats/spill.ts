/**
 * Spills a stream to a private temp file for formats that need random access (zip's central
 * directory, Parquet's footer). Refuses more than `maxBytes` (SIZE_LIMIT_EXCEEDED on `owner`).
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { LimitError } from './context.js';

export interface Spilled { path: string; size: number; remove(): Promise<void> }

export async function spillToTempFile(
  src: AsyncIterable<Buffer>,
  opts: { maxBytes: number; tempDir?: string | undefined; owner: object; container: string[] },
): Promise<Spilled> {
  const dir = await mkdtemp(join(opts.tempDir ?? tmpdir(), 'coffer-spill-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'part');
  const out = createWriteStream(path, { mode: 0o600 });
  let size = 0;
  try {
    for await (const b of src) {
      size += b.length;
      if (size > opts.maxBytes) {
        throw new LimitError('SIZE_LIMIT_EXCEEDED', opts.owner, `larger than ${opts.maxBytes} bytes`, opts.container);
      }
      if (!out.write(b)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    return { path, size, remove };
  } catch (e) {
    out.destroy();
    await remove();
    throw e;
  }
}
