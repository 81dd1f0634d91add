/**
 * XLSX: one unit per non-empty cell with sheet name, 1-based row and column (A = 1), shared
 * strings resolved. Strings of row 1 are the column names (and context keywords) of the cells
 * below them. Sheets are streamed; the shared-string table is held in memory, bounded by
 * maxBufferedBytes (counted in chars).
 */
import type { ReadContext } from './context.js';
import { LimitError } from './context.js';
import type { ReadEvent, ScanUnit } from './types.js';
import { feedXml } from './xml.js';
import type { ZipArchive } from './zip.js';

async function drainXml(archive: ZipArchive, name: string, ctx: ReadContext, handlers: Parameters<typeof feedXml>[1]): Promise<boolean> {
  const entry = archive.byName.get(name);
  if (!entry) return false;
  for await (const _ of feedXml(await archive.open(entry, ctx), handlers)) { /* handlers collect */ }
  return true;
}

async function sharedStrings(archive: ZipArchive, ctx: ReadContext): Promise<string[]> {
  const out: string[] = [];
  let current = '';
  let inT = false;
  let inPhonetic = 0;
  let chars = 0;
  await drainXml(archive, 'xl/sharedStrings.xml', ctx, {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 'rPh') inPhonetic++;
      else if (name === 't') inT = true;
    },
    text(t) {
      if (!inT || inPhonetic > 0) return;
      current += t;
      chars += t.length;
      if (chars > ctx.limits.maxBufferedBytes) {
        throw new LimitError('SIZE_LIMIT_EXCEEDED', ctx, 'shared string table over the size limit', ctx.container);
      }
    },
    close(name) {
      if (name === 'si') out.push(current);
      else if (name === 'rPh') inPhonetic--;
      else if (name === 't') inT = false;
    },
  });
  return out;
}

/** Sheet names and part paths, in workbook order. */
async function sheets(archive: ZipArchive, ctx: ReadContext): Promise<Array<{ name: string; part: string }>> {
  const targets = new Map<string, string>();
  await drainXml(archive, 'xl/_rels/workbook.xml.rels', ctx, {
    open(name, a) {
      if (name === 'Relationship' && a.Id && a.Target) {
        targets.set(a.Id, a.Target.startsWith('/') ? a.Target.slice(1) : `xl/${a.Target.replace(/^\.\//, '')}`);
      }
    },
  });
  const out: Array<{ name: string; part: string }> = [];
  await drainXml(archive, 'xl/workbook.xml', ctx, {
    open(name, a) {
      const id = a['r:id'];
      if (name === 'sheet' && id !== undefined) {
        const part = targets.get(id);
        if (part) out.push({ name: a.name ?? part, part });
      }
    },
  });
  return out;
}

/** "BC12" -> { column: 55, row: 12 } */
export function parseCellRef(ref: string): { column: number; row: number } | null {
  const m = /^([A-Z]{1,3})(\d+)$/.exec(ref);
  if (!m) return null;
  let column = 0;
  for (const ch of m[1]!) column = column * 26 + (ch.charCodeAt(0) - 64);
  return { column, row: Number(m[2]) };
}

export async function* readXlsx(archive: ZipArchive, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const strings = await sharedStrings(archive, ctx);
  for (const sheet of await sheets(archive, ctx)) {
    const entry = archive.byName.get(sheet.part);
    if (!entry) continue;
    const header = new Map<number, string>();
    const pending: ScanUnit[] = [];
    let row = 0;
    let column = 0;
    let type = 'n';
    let value = '';
    let capture = false;
    const feed = feedXml(await archive.open(entry, ctx), {
      open(name, a) {
        if (name === 'row') { row = a.r ? Number(a.r) : row + 1; column = 0; }
        else if (name === 'c') {
          const ref = a.r ? parseCellRef(a.r) : null;
          if (ref) { row = ref.row; column = ref.column; } else column++;
          type = a.t ?? 'n';
          value = '';
        } else if (name === 'v' || (name === 't' && type === 'inlineStr')) capture = true;
      },
      text(t) { if (capture) value += t; },
      close(name) {
        if (name === 'v' || name === 't') capture = false;
        else if (name === 'c') {
          const text = type === 's' ? strings[Number(value)] ?? '' : type === 'b' || type === 'e' ? '' : value;
          if (text.trim() === '') return;
          if (row === 1 && (type === 's' || type === 'inlineStr' || type === 'str')) header.set(column, text.trim());
          const columnName = row === 1 ? null : header.get(column) ?? null;
          const unit: ScanUnit = {
            text,
            location: { kind: 'cell', row, column, columnName, sheet: sheet.name },
            container: ctx.container,
            ownStart: 0,
            ownEnd: text.length,
          };
          if (columnName) unit.contextKeywords = [columnName];
          pending.push(unit);
        }
      },
    });
    for await (const _ of feed) {
      if (pending.length > 0) yield pending.splice(0).map((unit): ReadEvent => ({ type: 'unit', unit }));
    }
  }
}
