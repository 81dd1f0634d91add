/** Durable file helpers: write to a temp file, fsync, rename (or link to refuse overwrite), fsync the directory. */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `data` to `path` atomically and durably; refuses to replace an existing file unless `replace`. */
export async function writeFileDurable(path: string, data: string | Buffer, opts: { replace?: boolean } = {}): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    if (opts.replace) await rename(tmp, path);
    else await link(tmp, path);
  } finally {
    if (!opts.replace) await unlink(tmp).catch(() => undefined);
  }
  await fsyncDir(dir);
}
