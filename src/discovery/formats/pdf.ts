/**
 * PDF (pdfjs-dist, legacy build for Node; no network, no eval, no fonts loaded): the text of each
 * page, lines rebuilt from pdf.js's end-of-line marks, cut into units located by page number and
 * line/column/offset within the page. A PDF needs random access, so it is buffered in memory up to
 * maxBufferedBytes (SIZE_LIMIT_EXCEEDED beyond). Password-protected PDFs are ENCRYPTED_FILE (PDFs
 * with only an owner password open without one and are scanned).
 */
import type { ByteSource } from './byte-source.js';
import { readBounded } from './byte-source.js';
import { LimitError, skipped, type ReadContext } from './context.js';
import { chunkText } from './text-chunker.js';
import type { ReadEvent } from './types.js';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | null = null;

export async function* readPdf(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const data = await readBounded(src, ctx.limits.maxBufferedBytes);
  if (data === null) throw new LimitError('SIZE_LIMIT_EXCEEDED', ctx, `PDF larger than ${ctx.limits.maxBufferedBytes} bytes`);
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  const lib = await pdfjs;
  const task = lib.getDocument({
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy();
    if ((e as { name?: string } | null)?.name === 'PasswordException') {
      yield [skipped(ctx.container, 'ENCRYPTED_FILE', 'password-protected PDF')];
      return;
    }
    throw e;
  }
  try {
    for (let page = 1; page <= doc.numPages; page++) {
      const p = await doc.getPage(page);
      const content = await p.getTextContent();
      let text = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        text += item.str;
        if (item.hasEOL) text += '\n';
      }
      p.cleanup();
      const units = chunkText(once(text), ctx.limits, (t, at, ownStart, ownEnd) => ({
        text: t,
        location: { kind: 'page', page, startLine: at.line, startColumn: at.column, startOffset: at.offset },
        container: ctx.container,
        ownStart,
        ownEnd,
      }));
      for await (const unit of units) if (unit.text.trim() !== '') yield [{ type: 'unit', unit }];
    }
  } finally {
    await doc.destroy();
  }
}

async function* once(s: string): AsyncGenerator<string> {
  if (s !== '') yield s;
}
