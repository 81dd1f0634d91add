/** Builders for test fixtures, generated in the tests (no binary files are checked in). */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import yazl from 'yazl';

export type FixtureEntry = [name: string, content: Buffer | string, options?: { compress?: boolean }];

async function toBuffer(stream: AsyncIterable<Buffer | Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of stream) parts.push(Buffer.from(b));
  return Buffer.concat(parts);
}

export async function zipOf(entries: FixtureEntry[]): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content, options] of entries) {
    zip.addBuffer(Buffer.from(content), name, { compress: options?.compress ?? true, mtime: new Date(0) });
  }
  zip.end();
  return toBuffer(zip.outputStream as AsyncIterable<Buffer>);
}

export async function tarOf(entries: FixtureEntry[]): Promise<Buffer> {
  const p = pack();
  const out = toBuffer(p as unknown as AsyncIterable<Buffer>);
  for (const [name, content] of entries) p.entry({ name, mtime: new Date(0) }, Buffer.from(content));
  p.finalize();
  return out;
}

export function gzipOf(content: Buffer | string): Buffer {
  return gzipSync(Buffer.from(content));
}

/** Marks the first entry of a zip as encrypted (general purpose bit 0) in its local and central headers. */
export function markFirstZipEntryEncrypted(zip: Buffer): Buffer {
  const out = Buffer.from(zip);
  let local = false;
  let central = false;
  for (let i = 0; i + 4 <= out.length; i++) {
    const sig = out.readUInt32LE(i);
    if (sig === 0x04034b50 && !local) { out.writeUInt16LE(out.readUInt16LE(i + 6) | 1, i + 6); local = true; }
    else if (sig === 0x02014b50 && !central) { out.writeUInt16LE(out.readUInt16LE(i + 8) | 1, i + 8); central = true; }
  }
  return out;
}
