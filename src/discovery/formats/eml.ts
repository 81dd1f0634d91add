/**
 * E-mail (.eml, RFC 5322 + MIME), parsed line by line so locations are lines of the raw message:
 *  - every header is a unit located at its line and the column where its value starts, with
 *    encoded words (RFC 2047) decoded and folded lines kept as lines; the header name is the
 *    context keyword (signature headers such as DKIM-Signature are not scanned: they are hashes);
 *  - text parts sent as 7bit/8bit/binary are scanned in place, with lines of the raw message;
 *  - parts sent as base64 or quoted-printable, and attachments, are decoded as a stream and read as
 *    nested files named by their filename or "part 1.2" (MIME part number), with their own lines;
 *  - message/rfc822 parts are parsed in place like the message around them.
 * Offsets are byte offsets in the raw message (exact for ASCII text).
 */
import { ByteSource } from './byte-source.js';
import type { ReadContext } from './context.js';
import { LineReader, type Line } from './line-reader.js';
import { chunkText } from './text-chunker.js';
import type { ReadEvent, ScanUnit } from './types.js';

const UNSCANNED_HEADERS = new Set(['mime-version', 'content-transfer-encoding', 'dkim-signature', 'x-google-dkim-signature', 'arc-seal', 'arc-message-signature', 'domainkey-signature']);

interface Header { name: string; value: string; line: number; column: number; offset: number }

interface Entity {
  type: string; // lower-case type/subtype
  params: Map<string, string>;
  encoding: string;
  attachment: boolean;
  filename: string | null;
}

export async function* readEml(src: ByteSource, ctx: ReadContext): AsyncGenerator<ReadEvent[]> {
  const reader = new LineReader(src, ctx.limits.maxValueChars);
  try {
    yield* entity(reader, ctx, [], '1', 'text/plain');
  } finally {
    await reader.close();
  }
}

function boundaryOf(line: Buffer, boundaries: readonly string[]): { boundary: string; close: boolean } | null {
  if (line[0] !== 0x2d || line[1] !== 0x2d) return null;
  const s = line.toString('latin1').trimEnd();
  for (let i = boundaries.length - 1; i >= 0; i--) {
    const b = boundaries[i]!;
    if (s === `--${b}`) return { boundary: b, close: false };
    if (s === `--${b}--`) return { boundary: b, close: true };
  }
  return null;
}

async function* entity(reader: LineReader, ctx: ReadContext, boundaries: string[], partId: string, defaultType: string): AsyncGenerator<ReadEvent[]> {
  const headers: Header[] = [];
  for await (const h of readHeaders(reader, boundaries)) headers.push(h);
  const units: ReadEvent[] = [];
  for (const h of headers) {
    if (UNSCANNED_HEADERS.has(h.name.toLowerCase()) || h.value.trim() === '') continue;
    const text = decodeEncodedWords(h.value);
    const unit: ScanUnit = {
      text,
      location: { kind: 'text', startLine: h.line, startColumn: h.column, startOffset: h.offset },
      container: ctx.container,
      contextKeywords: [h.name],
      ownStart: 0,
      ownEnd: text.length,
    };
    units.push({ type: 'unit', unit });
  }
  if (units.length > 0) yield units;
  const e = describeEntity(headers, defaultType);

  if (e.type.startsWith('multipart/') && e.params.get('boundary')) {
    const b = e.params.get('boundary')!;
    const inner = [...boundaries, b];
    let n = 0;
    let line = await skipUntilBoundary(reader, inner);
    while (line !== null) {
      const at = boundaryOf(line.bytes, inner)!;
      if (at.boundary !== b) { reader.unshift(line); return; } // an outer part ends
      if (at.close) {
        const after = await skipUntilBoundary(reader, boundaries); // epilogue
        if (after) reader.unshift(after);
        return;
      }
      n++;
      yield* entity(reader, ctx, inner, `${partId}.${n}`, e.type === 'multipart/digest' ? 'message/rfc822' : 'text/plain');
      line = await skipUntilBoundary(reader, inner);
    }
    return;
  }
  const identity = e.encoding === '7bit' || e.encoding === '8bit' || e.encoding === 'binary' || e.encoding === '';
  if (e.type === 'message/rfc822' && identity) {
    yield* entity(reader, ctx, boundaries, partId, 'text/plain');
    return;
  }
  if (identity && e.type.startsWith('text/') && !e.attachment) {
    yield* inlineText(reader, ctx, boundaries, e.params.get('charset') ?? 'utf-8');
    return;
  }
  const first = await reader.next();
  if (first === null) return;
  const bound = boundaryOf(first.bytes, boundaries);
  reader.unshift(first);
  if (bound) return; // empty body
  const name = e.filename ?? `part ${partId}`;
  yield* ctx.nested(name, () => new ByteSource(decodedBody(reader, boundaries, e.encoding)), { contentType: e.type });
  const next = await skipUntilBoundary(reader, boundaries);
  if (next) reader.unshift(next);
}

async function* readHeaders(reader: LineReader, boundaries: string[]): AsyncGenerator<Header> {
  let current: Header | null = null;
  while (true) {
    const line = await reader.next();
    if (line === null) break;
    if (line.bytes.length === 0) break;
    if (boundaryOf(line.bytes, boundaries)) { reader.unshift(line); break; }
    const s = line.bytes.toString('utf8');
    if ((s[0] === ' ' || s[0] === '\t') && current) { current.value += `\n${s}`; continue; }
    if (current) yield current;
    current = null;
    const colon = s.indexOf(':');
    if (colon <= 0) continue; // not a header (e.g. an mbox "From " line)
    let start = colon + 1;
    while (s[start] === ' ' || s[start] === '\t') start++;
    current = { name: s.slice(0, colon).trim(), value: s.slice(start), line: line.no, column: start + 1, offset: line.offset + Buffer.byteLength(s.slice(0, start)) };
  }
  if (current) yield current;
}

function describeEntity(headers: Header[], defaultType: string): Entity {
  const get = (n: string) => headers.find((h) => h.name.toLowerCase() === n)?.value.replace(/\n/g, '') ?? '';
  const [type, params] = parseParams(get('content-type'));
  const [disposition, dparams] = parseParams(get('content-disposition'));
  const filename = dparams.get('filename') ?? params.get('name') ?? null;
  return {
    type: type || defaultType,
    params,
    encoding: get('content-transfer-encoding').trim().toLowerCase(),
    attachment: disposition === 'attachment' || (filename !== null && disposition !== 'inline'),
    filename: filename === null ? null : decodeEncodedWords(filename),
  };
}

/** "text/plain; charset=utf-8; name=\"a b.txt\"" -> ['text/plain', {charset, name}] */
export function parseParams(value: string): [string, Map<string, string>] {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const head = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  const re = /;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/g;
  for (let m = re.exec(value); m; m = re.exec(value)) {
    let v = m[2]!.trim();
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    let key = m[1]!.toLowerCase();
    if (key.endsWith('*')) { // RFC 2231: charset'lang'percent-encoded
      key = key.slice(0, -1);
      const parts = /^([^']*)'[^']*'(.*)$/.exec(v);
      if (parts) v = decodeBytes(Buffer.from(parts[2]!.replace(/%([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1'), parts[1] || 'utf-8');
    }
    params.set(key, v);
  }
  return [head, params];
}

function decodeBytes(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase(), { fatal: false }).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

/** RFC 2047 encoded words: =?charset?B|Q?text?= ; whitespace between two encoded words is dropped. */
export function decodeEncodedWords(s: string): string {
  if (!s.includes('=?')) return s;
  return s
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (_m, charset: string, enc: string, text: string) => {
      const bytes = enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64')
        : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_x, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
      return decodeBytes(bytes, charset.split('*')[0]!);
    });
}

async function skipUntilBoundary(reader: LineReader, boundaries: string[]): Promise<Line | null> {
  for (let line = await reader.next(); line !== null; line = await reader.next()) {
    if (boundaryOf(line.bytes, boundaries)) return line;
  }
  return null;
}

async function* inlineText(reader: LineReader, ctx: ReadContext, boundaries: string[], charset: string): AsyncGenerator<ReadEvent[]> {
  const first = await reader.next();
  if (first === null) return;
  reader.unshift(first);
  const start = { line: first.no, offset: first.offset };
  async function* lines(): AsyncGenerator<string> {
    let sep = '';
    for (let line = await reader.next(); line !== null; line = await reader.next()) {
      if (boundaryOf(line.bytes, boundaries)) { reader.unshift(line); return; }
      yield sep + decodeBytes(line.bytes, charset);
      sep = '\n';
    }
  }
  const units = chunkText(lines(), ctx.limits, (text, at, ownStart, ownEnd) => ({
    text,
    location: { kind: 'text', startLine: start.line + at.line - 1, startColumn: at.column, startOffset: start.offset + at.offset },
    container: ctx.container,
    ownStart,
    ownEnd,
  }));
  for await (const unit of units) yield [{ type: 'unit', unit }];
}

/** The decoded bytes of a body, up to (not including) the next boundary line. */
async function* decodedBody(reader: LineReader, boundaries: string[], encoding: string): AsyncGenerator<Buffer> {
  let carry = '';
  for (let line = await reader.next(); line !== null; line = await reader.next()) {
    if (boundaryOf(line.bytes, boundaries)) { reader.unshift(line); break; }
    if (encoding === 'base64') {
      const s = carry + line.bytes.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, '');
      const whole = s.length - (s.length % 4);
      carry = s.slice(whole);
      if (whole > 0) yield Buffer.from(s.slice(0, whole), 'base64');
    } else if (encoding === 'quoted-printable') {
      yield decodeQuotedPrintableLine(line.bytes);
    } else {
      yield Buffer.concat([line.bytes, Buffer.from('\n')]);
    }
  }
  if (carry !== '') yield Buffer.from(carry, 'base64');
}

function decodeQuotedPrintableLine(bytes: Buffer): Buffer {
  let s = bytes.toString('latin1').replace(/[ \t]+$/, '');
  const soft = s.endsWith('=');
  if (soft) s = s.slice(0, -1);
  const out = Buffer.from(s.replace(/=([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1');
  return soft ? out : Buffer.concat([out, Buffer.from('\n')]);
}
