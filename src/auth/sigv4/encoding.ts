/**
 * Byte-level URI encoding for SigV4 canonical requests.
 *
 *   uriEncode(bytes, keepSlash):
 *     for each byte b:
 *       if b in [A-Za-z0-9-_.~] (or b == '/' and keepSlash): emit b
 *       else emit '%' + HEX(b)  (upper case)
 *   percentDecode(s):  UTF-8 bytes of s with every '%XX' (valid hex) replaced by byte XX;
 *                      a '%' not followed by two hex digits stays a literal '%'. '+' stays '+'.
 *
 * Working on bytes (not JS strings) keeps invalid UTF-8 in a path or query deterministic.
 */

const UNRESERVED = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-_.~]/.test(ch)) UNRESERVED[c] = 1;
}
const ESCAPED: string[] = Array.from({ length: 256 }, (_, c) => '%' + c.toString(16).toUpperCase().padStart(2, '0'));

const SAFE_PATH = /^[A-Za-z0-9\-_.~/]*$/;
const SAFE_COMPONENT = /^[A-Za-z0-9\-_.~]*$/;

/** AWS URI-encodes bytes; '/' is kept when `keepSlash` (paths) and encoded otherwise (query parts). */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  let runStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (UNRESERVED[b] === 1 || (keepSlash && b === 0x2f)) continue;
    if (i > runStart) out += latin1(bytes, runStart, i);
    out += ESCAPED[b]!;
    runStart = i + 1;
  }
  if (runStart === 0) return latin1(bytes, 0, bytes.length);
  if (runStart < bytes.length) out += latin1(bytes, runStart, bytes.length);
  return out;
}

/** AWS URI-encodes a string (UTF-8). */
export function uriEncode(s: string, keepSlash: boolean): string {
  if ((keepSlash ? SAFE_PATH : SAFE_COMPONENT).test(s)) return s;
  return uriEncodeBytes(Buffer.from(s, 'utf8'), keepSlash);
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
}

/** Percent-decodes to bytes (RFC 3986: '+' is a literal plus, not a space). */
export function percentDecode(s: string): Buffer {
  const src = Buffer.from(s, 'utf8');
  const first = src.indexOf(0x25);
  if (first === -1) return src;
  const out = Buffer.allocUnsafe(src.length);
  src.copy(out, 0, 0, first);
  let o = first;
  for (let i = first; i < src.length; i++) {
    const b = src[i]!;
    if (b === 0x25 && i + 2 < src.length) {
      const hi = hexValue(src[i + 1]!);
      const lo = hexValue(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[o++] = b;
  }
  return out.subarray(0, o);
}

/** Decodes then re-encodes: the canonical form of a percent-encoded component or path. */
export function canonicalEncode(raw: string, keepSlash: boolean): string {
  if ((keepSlash ? SAFE_PATH : SAFE_COMPONENT).test(raw)) return raw;
  return uriEncodeBytes(percentDecode(raw), keepSlash);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** True when every character of `s` fits in one byte (how Node delivers header values). */
export function isByteString(s: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[^\u0000-\u00ff]/.test(s);
}

const LOWER_HEX_64 = /^[0-9a-f]{64}$/;

/** Parses a 64-character lower-case hex signature into 32 bytes, or null. */
export function parseSignatureHex(s: string): Buffer | null {
  return LOWER_HEX_64.test(s) ? Buffer.from(s, 'hex') : null;
}
