/**
 * zip, read with yauzl from a temp file (a zip needs its central directory, at the end). Each
 * file member is a nested part; encrypted members are ENCRYPTED_FILE, members whose declared
 * ratio is a bomb are ARCHIVE_BOMB without being inflated, and inflation is guarded anyway
 * (declared sizes can lie; yauzl also checks them). A zip holding an Office Open XML package
 * is read as DOCX/XLSX/PPTX instead, its embedded files (word|xl|ppt/embeddings/*) as nested parts.
 */
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ByteSource } from './byte-source.js';
import { guardInflated, skipped, takeEntry, type ReadContext } from './context.js';
import { readDocx, readPptx } from './ooxml-text.js';
import { readXlsx } from './xlsx.js';
import { spillToTempFile } from './spill.js';
import type { FormatName, ReadEvent } from './types.js';

/** Where Office packages keep embedded files (images under media/ are not scanned, like Macie). */
const EMBEDDED = /^(word|xl|ppt)\/embeddings\/[^/]+$/;

/** Above this many entries the archive is walked lazily and not checked for OOXML. */
const LISTED_ENTRIES = 10_000;

/** An opened zip: its entries by name (when listed) and guarded member streams. */
export interface ZipArchive {
  byName: Map<string, Entry>;
  /** Inflated bytes of a member, counted against the budget and the ratio limit of `owner`. */
  open(entry: Entry, owner: ReadContext): Promise<AsyncIterable<Buffer>>;
}

export async function* readZip(src: ByteSource, ctx: ReadContext, filename: string | undefined): AsyncGenerator<ReadEvent[]> {
  const file = await spillToTempFile(src, {
    maxBytes: ctx.limits.maxObjectBytes, tempDir: ctx.limits.tempDir, owner: ctx, container: ctx.container,
  });
  let zip: ZipFile | null = null;
  try {
    zip = await yauzl.openPromise(file.path, { lazyEntries: true, autoClose: false, validateEntrySizes: true });
    const archive: ZipArchive = { byName: new Map(), open: (entry, owner) => openMember(zip!, entry, owner) };
    const it = entriesOf(zip);
    const listed: Entry[] = [];
    if (zip.entryCount <= LISTED_ENTRIES) {
      for await (const e of it) { listed.push(e); archive.byName.set(e.fileName, e); }
    }
    const format = officeFormat(archive.byName, filename);
    yield [{ type: 'format', container: ctx.container, format }];
    if (format !== 'zip') {
      if (format === 'docx') yield* readDocx(archive, ctx);
      else if (format === 'pptx') yield* readPptx(archive, ctx);
      else yield* readXlsx(archive, ctx);
      // embedded files (a spreadsheet in a document, say) are nested parts
      for (const [name, entry] of archive.byName) if (EMBEDDED.test(name)) yield* readMember(archive, entry, ctx);
      return;
    }
    const all = listed.length > 0 || zip.entryCount <= LISTED_ENTRIES ? listed : it;
    for await (const entry of all) yield* readMember(archive, entry, ctx);
  } finally {
    zip?.close();
    await file.remove();
  }
}

async function* readMember(archive: ZipArchive, entry: Entry, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  if (entry.fileName.endsWith('/')) return;
  takeEntry(ctx, entry.fileName);
  const path = [...ctx.container, entry.fileName];
  if (entry.isEncrypted()) { yield [skipped(path, 'ENCRYPTED_FILE', 'encrypted zip entry')]; return; }
  const { maxCompressionRatio, minBytesForRatioCheck } = ctx.limits;
  if (entry.uncompressedSize >= minBytesForRatioCheck && entry.uncompressedSize > maxCompressionRatio * Math.max(1, entry.compressedSize)) {
    yield [skipped(path, 'ARCHIVE_BOMB', `declared compression ratio above ${maxCompressionRatio}`)];
    return;
  }
  yield* ctx.nested(entry.fileName, async (member) => new ByteSource(await archive.open(entry, member)));
}

function officeFormat(names: Map<string, Entry>, filename: string | undefined): FormatName {
  if (!names.has('[Content_Types].xml')) return 'zip';
  if (names.has('word/document.xml')) return 'docx';
  if (names.has('xl/workbook.xml')) return 'xlsx';
  if (names.has('ppt/presentation.xml')) return 'pptx';
  void filename;
  return 'zip';
}

async function openMember(zip: ZipFile, entry: Entry, owner: ReadContext): Promise<AsyncIterable<Buffer>> {
  const stream: Readable = await zip.openReadStreamPromise(entry);
  async function* guarded(): AsyncGenerator<Buffer> {
    try {
      yield* guardInflated(stream, owner, owner, () => entry.compressedSize);
    } finally {
      stream.destroy();
    }
  }
  return guarded();
}

/** yauzl's lazy entry events as an async iterator. */
async function* entriesOf(zip: ZipFile): AsyncGenerator<Entry> {
  while (true) {
    const next = await new Promise<Entry | null>((resolve, reject) => {
      const onEntry = (e: Entry) => { cleanup(); resolve(e); };
      const onEnd = () => { cleanup(); resolve(null); };
      const onError = (err: Error) => { cleanup(); reject(err); };
      const cleanup = () => {
        zip.removeListener('entry', onEntry);
        zip.removeListener('end', onEnd);
        zip.removeListener('error', onError);
      };
      zip.on('entry', onEntry);
      zip.on('end', onEnd);
      zip.on('error', onError);
      zip.readEntry();
    });
    if (next === null) return;
    yield next;
  }
}
