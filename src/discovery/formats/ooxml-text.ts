/**
 * DOCX and PPTX: the text of paragraphs, one line per paragraph (and per explicit line break),
 * cut into overlapping units like plain text. DOCX: the body first (word/document.xml, located
 * by line/column/offset in the body text), then headers, footers, footnotes, endnotes and
 * comments, each with its part name appended to the container path. PPTX: each slide is a page
 * (ppt/slides/slideN.xml -> page N, lines counted within the slide); speaker notes follow with
 * their part name in the container path.
 */
import type { Entry } from 'yauzl';
import type { ReadContext } from './context.js';
import { chunkText } from './text-chunker.js';
import type { ReadEvent } from './types.js';
import { feedXml } from './xml.js';
import type { ZipArchive } from './zip.js';

interface Vocabulary { text: Set<string>; paragraph: string; breaks: Set<string>; tab: string }

const WORD: Vocabulary = { text: new Set(['w:t', 'w:delText']), paragraph: 'w:p', breaks: new Set(['w:br', 'w:cr']), tab: 'w:tab' };
const DRAWING: Vocabulary = { text: new Set(['a:t']), paragraph: 'a:p', breaks: new Set(['a:br']), tab: '' };

/** Paragraph text of one XML part, as a stream of strings. */
async function* paragraphs(bytes: AsyncIterable<Buffer>, v: Vocabulary): AsyncGenerator<string> {
  let out = '';
  let inText = 0;
  const feed = feedXml(bytes, {
    open(name, _attrs, selfClosing) {
      if (v.text.has(name) && !selfClosing) inText++;
      else if (v.breaks.has(name)) out += '\n';
      else if (name === v.tab && inText === 0) out += '\t';
    },
    text(t) { if (inText > 0) out += t; },
    close(name) {
      if (v.text.has(name)) inText = Math.max(0, inText - 1);
      else if (name === v.paragraph) out += '\n';
    },
  });
  for await (const _ of feed) {
    if (out !== '') { yield out; out = ''; }
  }
}

async function* partUnits(
  archive: ZipArchive, entry: Entry, ctx: ReadContext, v: Vocabulary, container: string[], page?: number,
): AsyncGenerator<ReadEvent[]> {
  const bytes = await archive.open(entry, ctx);
  const units = chunkText(paragraphs(bytes, v), ctx.limits, (text, at, ownStart, ownEnd) => ({
    text,
    location: page === undefined
      ? { kind: 'text', startLine: at.line, startColumn: at.column, startOffset: at.offset }
      : { kind: 'text', startLine: at.line, startColumn: at.column, startOffset: at.offset, page },
    container,
    ownStart,
    ownEnd,
  }));
  for await (const unit of units) yield [{ type: 'unit', unit }];
}

const DOCX_EXTRA = /^word\/((header|footer)\d*|footnotes|endnotes|comments)\.xml$/;

export async function* readDocx(archive: ZipArchive, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const body = archive.byName.get('word/document.xml')!;
  yield* partUnits(archive, body, ctx, WORD, ctx.container);
  const extra = [...archive.byName.keys()].filter((n) => DOCX_EXTRA.test(n)).sort();
  for (const name of extra) yield* partUnits(archive, archive.byName.get(name)!, ctx, WORD, [...ctx.container, name]);
}

function numbered(archive: ZipArchive, pattern: RegExp): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (const name of archive.byName.keys()) {
    const m = pattern.exec(name);
    if (m) out.push([Number(m[1]), name]);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export async function* readPptx(archive: ZipArchive, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  for (const [n, name] of numbered(archive, /^ppt\/slides\/slide(\d+)\.xml$/)) {
    yield* partUnits(archive, archive.byName.get(name)!, ctx, DRAWING, ctx.container, n);
  }
  for (const [, name] of numbered(archive, /^ppt\/notesSlides\/notesSlide(\d+)\.xml$/)) {
    yield* partUnits(archive, archive.byName.get(name)!, ctx, DRAWING, [...ctx.container, name]);
  }
}
