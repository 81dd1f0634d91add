/** Builders for test fixtures, generated in the tests (no binary files are checked in). */
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import yazl from 'yazl';
import avro from 'avsc';

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

/**
 * A minimal valid PDF: one page per entry of `pages`, each a list of text lines drawn top-down
 * in Helvetica; `encrypt` adds a Standard security handler whose user password is not empty.
 */
export function pdfOf(pages: string[][], opts: { encrypt?: boolean } = {}): Buffer {
  const objects: string[] = [];
  const pageIds: number[] = [];
  const fontId = 3;
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[fontId] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  let next = 4;
  for (const lines of pages) {
    const pageId = next++;
    const contentId = next++;
    pageIds.push(pageId);
    const esc = (s: string) => s.replace(/([\\()])/g, '\\$1');
    const ops = lines.map((l, i) => `${i === 0 ? '72 720 Td' : '0 -20 Td'} (${esc(l)}) Tj`).join('\n');
    const stream = `BT /F1 12 Tf\n${ops}\nET`;
    objects[pageId] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${contentId} 0 R /Resources << /Font << /F1 ${fontId} 0 R >> >> >>`;
    objects[contentId] = `<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`;
  }
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
  let encryptRef = '';
  if (opts.encrypt) {
    const id = next++;
    const hex = (b: number) => `<${b.toString(16).padStart(2, '0').repeat(32)}>`;
    objects[id] = `<< /Filter /Standard /V 1 /R 2 /O ${hex(0x11)} /U ${hex(0x22)} /P -44 >>`;
    encryptRef = ` /Encrypt ${id} 0 R /ID [${hex(0x33).slice(0, 34)}> ${hex(0x33).slice(0, 34)}>]`;
  }
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let i = 1; i < objects.length; i++) {
    offsets[i] = Buffer.byteLength(out, 'latin1');
    out += `${i} 0 obj\n${objects[i]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
  for (let i = 1; i < objects.length; i++) out += `${String(offsets[i]).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R${encryptRef} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** An Avro object container file; a stand-in snappy codec lets tests check that unknown codecs are refused. */
export async function avroOf(schema: avro.Schema, records: unknown[], codec = 'null'): Promise<Buffer> {
  // a stand-in snappy encoder: the reader must refuse the codec before decoding anything
  const codecs = { snappy: (b: Buffer, cb: (e: Error | null, out?: Buffer) => void) => cb(null, b) };
  const encoder = new avro.streams.BlockEncoder(schema, { codec, blockSize: 64, codecs: { ...avro.streams.BlockEncoder.defaultCodecs(), ...codecs } });
  const parts: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on('data', (b: Buffer) => parts.push(b));
    encoder.on('end', resolve);
    encoder.on('error', reject);
  });
  for (const r of records) encoder.write(r);
  encoder.end();
  await done;
  return Buffer.concat(parts);
}
