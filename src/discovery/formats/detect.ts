/**
 * Format detection: magic bytes first, then the file name extension and content type, then a
 * look at the text itself. Returns 'unsupported' (with a name) for known binary formats.
 */
import { looksBinary, sniffEncoding } from './decode.js';
import type { FormatName } from './types.js';

/** How many head bytes detection wants (tar's magic sits at 257). */
export const DETECT_HEAD_BYTES = 8192;

export interface Detected {
  format: FormatName;
  detail?: string;
  /** Set when the format says the content is encrypted (reported as ENCRYPTED_FILE, not unsupported). */
  encrypted?: boolean;
}

const BINARY_MAGIC: Array<[string, number[]]> = [
  ['png image', [0x89, 0x50, 0x4e, 0x47]],
  ['jpeg image', [0xff, 0xd8, 0xff]],
  ['gif image', [0x47, 0x49, 0x46, 0x38]],
  ['bzip2 archive', [0x42, 0x5a, 0x68]],
  ['xz archive', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd archive', [0x28, 0xb5, 0x2f, 0xfd]],
  ['7z archive', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['rar archive', [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07]],
  ['OLE2 compound document (legacy .doc/.xls)', [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['Windows executable', [0x4d, 0x5a]],
  ['SQLite database', [...Buffer.from('SQLite format 3\0')]],
];

function startsWith(head: Uint8Array, magic: number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  return magic.every((b, i) => head[at + i] === b);
}

function extensionOf(filename: string | undefined): string {
  if (!filename) return '';
  const base = filename.slice(filename.lastIndexOf('/') + 1).toLowerCase();
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1);
}

export function detectFormat(head: Buffer, filename?: string, contentType?: string): Detected {
  if (startsWith(head, [0x1f, 0x8b])) return { format: 'gzip' };
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) return { format: 'zip' };
  if (startsWith(head, [...Buffer.from('PAR1')])) return { format: 'parquet' };
  if (startsWith(head, [0x4f, 0x62, 0x6a, 0x01])) return { format: 'avro' };
  if (head.subarray(0, 1024).includes('%PDF-')) return { format: 'pdf' };
  if (startsWith(head, [...Buffer.from('ustar')], 257)) return { format: 'tar' };
  const ext = extensionOf(filename);
  // a password-protected .docx/.xlsx/.pptx is an OLE2 container holding the encrypted package
  if (startsWith(head, BINARY_MAGIC.find(([n]) => n.startsWith('OLE2'))![1]) && /^(docx|xlsx|pptx|docm|xlsm|pptm)$/.test(ext)) {
    return { format: 'unsupported', detail: 'password-protected Office document', encrypted: true };
  }
  for (const [name, magic] of BINARY_MAGIC) if (startsWith(head, magic)) return { format: 'unsupported', detail: name };

  const ct = (contentType ?? '').toLowerCase().split(';')[0]!.trim();
  if (ext === 'tar' && head.length >= 512) return { format: 'tar' };
  const encoding = sniffEncoding(head);
  if (looksBinary(head, encoding)) return { format: 'unsupported', detail: 'binary content' };

  if (ext === 'csv' || ct === 'text/csv') return { format: 'csv' };
  if (ext === 'tsv' || ct === 'text/tab-separated-values') return { format: 'tsv' };
  if (ext === 'jsonl' || ext === 'ndjson' || ct === 'application/x-ndjson' || ct === 'application/jsonl') return { format: 'jsonl' };
  if (ext === 'eml' || ct === 'message/rfc822') return { format: 'eml' };
  const text = new TextDecoder(encoding).decode(head.subarray(0, 4096));
  if (ext === 'json' || ct === 'application/json' || /^\s*[[{]/.test(text)) {
    // several top-level objects on separate lines: JSON Lines
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    if (lines.length > 1 && lines.slice(0, -1).every((l) => /^\s*\{.*\}\s*$/.test(l))) return { format: 'jsonl' };
    if (ext === 'json' || ct === 'application/json' || /^\s*[[{]\s*["{[\]}\d-]/.test(text)) return { format: 'json' };
  }
  if (looksLikeEmail(text)) return { format: 'eml' };
  return { format: 'text' };
}

function looksLikeEmail(text: string): boolean {
  const end = text.search(/\r?\n\r?\n/);
  if (end < 0) return false;
  const headers = text.slice(0, end).split(/\r?\n/).filter((l) => !/^[ \t]/.test(l));
  if (headers.length < 2 || !headers.every((l) => /^[\x21-\x39\x3b-\x7e]+:/.test(l))) return false;
  return headers.some((l) => /^(from|received|return-path|mime-version|message-id):/i.test(l));
}
