/** S3 tag rules and the x-amz-tagging header (URL query encoding). */
import { CofferError } from '../shared/index.js';

/** Object tags: at most 10; bucket tags: at most 50. Keys 1..128, values 0..256 characters. */
export function validateTagSet(tags: Record<string, string>, max: number): void {
  const keys = Object.keys(tags);
  if (keys.length > max) throw new CofferError('objects.invalid_tag', { message: `Object tags cannot be greater than ${max}` });
  for (const k of keys) {
    const v = tags[k] ?? '';
    if ([...k].length < 1 || [...k].length > 128) throw new CofferError('objects.invalid_tag', { message: 'The TagKey you have provided is invalid' });
    if ([...v].length > 256) throw new CofferError('objects.invalid_tag', { message: 'The TagValue you have provided is invalid' });
    if (k.toLowerCase().startsWith('aws:')) throw new CofferError('objects.invalid_tag', { message: 'Your TagKey cannot be prefixed with aws:' });
  }
}

/** Parses `x-amz-tagging: k1=v1&k2=v2`. */
export function parseTaggingHeader(value: string | undefined): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!value) return tags;
  const params = new URLSearchParams(value);
  for (const [k, v] of params) {
    if (k in tags) throw new CofferError('objects.invalid_tag', { message: 'Cannot provide multiple Tags with the same key' });
    tags[k] = v;
  }
  validateTagSet(tags, 10);
  return tags;
}
