/** Text decoding with BOM sniffing: UTF-8 (invalid sequences become U+FFFD), UTF-16LE/BE with a BOM. */
import { StringDecoder } from 'node:string_decoder';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export function sniffEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

/**
 * True when the head does not look like text in `encoding`: NUL bytes in UTF-8, or many C0
 * control characters (other than tab, newlines, form feed and escape).
 */
export function looksBinary(head: Uint8Array, encoding: TextEncoding): boolean {
  if (encoding !== 'utf-8') return false;
  const n = Math.min(head.length, 8192);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const c = head[i]!;
    if (c === 0) return true;
    if (c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 27) control++;
  }
  return n > 0 && control / n > 0.1;
}

/**
 * Bytes decoded per string: strings stay below V8's large-object size (128 KiB), which are
 * allocated and freed page by page and made whole-file decoding ~30x slower on 256 KiB reads.
 */
const DECODE_BYTES = 32 * 1024;

/** Decodes a byte stream into string chunks (each under DECODE_BYTES chars); the BOM, if any, is dropped. */
export async function* decodeChars(src: AsyncIterable<Buffer>, encoding: TextEncoding): AsyncGenerator<string> {
  if (encoding === 'utf-8') {
    // StringDecoder keeps a multi-byte sequence split across reads; V8's UTF-8 decoder (same
    // U+FFFD replacement as TextDecoder) is several times faster than TextDecoder's.
    const decoder = new StringDecoder('utf8');
    let first = true;
    for await (const b of src) {
      for (let i = 0; i < b.length; i += DECODE_BYTES) {
        let s = decoder.write(b.subarray(i, Math.min(b.length, i + DECODE_BYTES)));
        if (first && s.length > 0) {
          first = false;
          if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
        }
        if (s.length > 0) yield s;
      }
    }
    let tail = decoder.end();
    if (first && tail.charCodeAt(0) === 0xfeff) tail = tail.slice(1);
    if (tail.length > 0) yield tail;
    return;
  }
  const decoder = new TextDecoder(encoding, { fatal: false, ignoreBOM: false });
  for await (const b of src) {
    for (let i = 0; i < b.length; i += DECODE_BYTES) {
      const s = decoder.decode(b.subarray(i, Math.min(b.length, i + DECODE_BYTES)), { stream: true });
      if (s.length > 0) yield s;
    }
  }
  const tail = decoder.decode();
  if (tail.length > 0) yield tail;
}
