/**
 * Where the free-form field guard (src/guards) meets S3: which fields of which operation are
 * checked, before the handler changes anything.
 *
 *   CreateBucket                                  bucket name
 *   PutObject, CopyObject, CreateMultipartUpload  object key name (per-bucket mode), x-amz-meta-* names
 *                                                 and values, x-amz-tagging keys and values
 *                                                 (CopyObject: metadata / tags only with directive REPLACE)
 *   PutObjectTagging, PutBucketTagging            tag keys and values (guardTags, from the handlers)
 *
 * Field names in messages never include user values: "x-amz-meta-<name>" is the header the
 * client chose, tags are named by position.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FreeFormMode, GuardSession } from '../../guards/index.js';
import type { S3OperationName } from './operations.js';
import type { Target } from './router.js';

const WRITES_KEY = new Set<string>(['PutObject', 'CopyObject', 'CreateMultipartUpload']);

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v.join(',') : v);

/** Checks tag keys and values (tags by position; a value's key is context for its detectors). */
export function guardTags(guard: GuardSession | undefined | null, tags: Readonly<Record<string, string>>): void {
  if (!guard) return;
  let i = 0;
  for (const [k, v] of Object.entries(tags)) {
    i++;
    guard.check(`tag key (tag ${i})`, k);
    guard.check(`tag value (tag ${i})`, v, { context: [k], value: true });
  }
}

/** Checks the request's free-form fields for `op`; throws (reject mode) before any change. */
export function guardS3Request(
  guard: GuardSession,
  op: S3OperationName | 'Unknown',
  target: Target,
  headers: IncomingHttpHeaders,
  keyModes: Readonly<Record<string, FreeFormMode>> = {},
): void {
  if (op === 'CreateBucket' && target.bucket !== null) {
    guard.check('bucket name', target.bucket);
    return;
  }
  if (!WRITES_KEY.has(op) || target.key === null) return;
  const mode = target.bucket !== null ? keyModes[target.bucket] : undefined;
  guard.check('object key name', target.key, mode ? { mode } : {});
  const copy = op === 'CopyObject';
  const replaceMeta = !copy || (first(headers['x-amz-metadata-directive']) ?? '').toUpperCase() === 'REPLACE';
  const replaceTags = !copy || (first(headers['x-amz-tagging-directive']) ?? '').toUpperCase() === 'REPLACE';
  if (replaceMeta) {
    for (const [name, raw] of Object.entries(headers)) {
      if (!name.startsWith('x-amz-meta-')) continue;
      const metaName = name.slice('x-amz-meta-'.length);
      // A flagged name (warn mode) must not become the field name of the value's finding.
      const nameFlagged = guard.check('a metadata name (x-amz-meta-*)', metaName) !== null;
      const value = first(raw);
      if (value !== undefined) guard.check(nameFlagged ? 'an x-amz-meta-* header' : safeHeaderName(name), value, { context: [metaName], value: true });
    }
  }
  const tagging = first(headers['x-amz-tagging']);
  if (replaceTags && tagging) {
    const tags: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(tagging)) if (!(k in tags)) tags[k] = v;
    guardTags(guard, tags);
  }
}

/**
 * The metadata header as named in messages. A header name the detectors flag was refused
 * already (metadata names are checked first); this only keeps odd characters out.
 */
function safeHeaderName(name: string): string {
  return /^[a-z0-9-]{1,80}$/.test(name) ? name : 'an x-amz-meta-* header';
}
