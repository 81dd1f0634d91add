/**
 * Which buckets and objects a classification job covers (Macie's s3JobDefinition), as pure
 * functions: bucket definitions or bucket criteria, object scoping terms (key, extension, size,
 * last-modified, object tags) and random-but-repeatable sampling.
 */
import { createHash } from 'node:crypto';

type Comparator = 'EQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'NE' | 'CONTAINS' | 'STARTS_WITH';

export interface SimpleScopeTerm { comparator?: Comparator; key?: 'OBJECT_EXTENSION' | 'OBJECT_LAST_MODIFIED_DATE' | 'OBJECT_SIZE' | 'OBJECT_KEY'; values?: string[] }
export interface TagScopeTerm { comparator?: Comparator; key?: string; tagValues?: { key?: string; value?: string }[]; target?: 'S3_OBJECT' }
export interface JobScopeTerm { simpleScopeTerm?: SimpleScopeTerm; tagScopeTerm?: TagScopeTerm }
export interface Scoping { includes?: { and?: JobScopeTerm[] }; excludes?: { and?: JobScopeTerm[] } }

export interface SimpleCriterionForJob { comparator?: Comparator; key?: 'ACCOUNT_ID' | 'S3_BUCKET_NAME' | 'S3_BUCKET_EFFECTIVE_PERMISSION' | 'S3_BUCKET_SHARED_ACCESS'; values?: string[] }
export interface TagCriterionForJob { comparator?: Comparator; tagValues?: { key?: string; value?: string }[] }
export interface CriteriaForJob { simpleCriterion?: SimpleCriterionForJob; tagCriterion?: TagCriterionForJob }
export interface S3JobDefinition {
  bucketDefinitions?: { accountId?: string; buckets?: string[] }[];
  bucketCriteria?: { includes?: { and?: CriteriaForJob[] }; excludes?: { and?: CriteriaForJob[] } };
  scoping?: Scoping;
}

export interface ScopedObject { key: string; size: number; lastModified: number; tags: Record<string, string> }
export interface ScopedBucket { name: string; tags: Record<string, string> | null }

function compare(comparator: Comparator | undefined, actual: string | number, values: readonly string[]): boolean {
  const c = comparator ?? 'EQ';
  if (typeof actual === 'number') {
    const nums = values.map(Number).filter((n) => !Number.isNaN(n));
    if (nums.length === 0) return false;
    const v = nums[0]!;
    switch (c) {
      case 'EQ': return nums.includes(actual);
      case 'NE': return !nums.includes(actual);
      case 'GT': return actual > v;
      case 'GTE': return actual >= v;
      case 'LT': return actual < v;
      case 'LTE': return actual <= v;
      default: return false;
    }
  }
  switch (c) {
    case 'EQ': return values.includes(actual);
    case 'NE': return !values.includes(actual);
    case 'STARTS_WITH': return values.some((v) => actual.startsWith(v));
    case 'CONTAINS': return values.some((v) => actual.includes(v));
    default: return false;
  }
}

const extensionOf = (key: string): string => {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
};

function tagsMatch(comparator: Comparator | undefined, tags: Record<string, string> | null, pairs: readonly { key?: string; value?: string }[]): boolean {
  const any = pairs.some((p) => p.key !== undefined && tags !== null && Object.hasOwn(tags, p.key) && (p.value === undefined || p.value === '' || tags[p.key] === p.value));
  return (comparator ?? 'EQ') === 'NE' ? !any : any;
}

function termMatches(t: JobScopeTerm, o: ScopedObject): boolean {
  if (t.simpleScopeTerm) {
    const s = t.simpleScopeTerm;
    const values = s.values ?? [];
    switch (s.key) {
      case 'OBJECT_KEY': return compare(s.comparator, o.key, values);
      case 'OBJECT_EXTENSION': return compare(s.comparator, extensionOf(o.key), values.map((v) => v.replace(/^\./, '').toLowerCase()));
      case 'OBJECT_SIZE': return compare(s.comparator, o.size, values);
      case 'OBJECT_LAST_MODIFIED_DATE': return compare(s.comparator, o.lastModified, values.map((v) => String(/^\d+$/.test(v) ? Number(v) : Date.parse(v))));
      default: return false;
    }
  }
  if (t.tagScopeTerm) return tagsMatch(t.tagScopeTerm.comparator, o.tags, t.tagScopeTerm.tagValues ?? []);
  return true;
}

/** True when the object is in the job's scope (every include term matches, not every exclude term). */
export function objectInScope(scoping: Scoping | undefined, o: ScopedObject): boolean {
  const inc = scoping?.includes?.and ?? [];
  const exc = scoping?.excludes?.and ?? [];
  if (!inc.every((t) => termMatches(t, o))) return false;
  return !(exc.length > 0 && exc.every((t) => termMatches(t, o)));
}

/** The longest key prefix every in-scope object must have (a listing shortcut), or ''. */
export function listingPrefix(scoping: Scoping | undefined): string {
  let prefix = '';
  for (const t of scoping?.includes?.and ?? []) {
    const s = t.simpleScopeTerm;
    if (s?.key === 'OBJECT_KEY' && s.comparator === 'STARTS_WITH' && s.values?.length === 1 && s.values[0]!.length > prefix.length) prefix = s.values[0]!;
  }
  return prefix;
}

function criterionMatches(c: CriteriaForJob, b: ScopedBucket, accountId: string): boolean {
  if (c.simpleCriterion) {
    const s = c.simpleCriterion;
    const values = s.values ?? [];
    switch (s.key) {
      case 'S3_BUCKET_NAME': return compare(s.comparator, b.name, values);
      case 'ACCOUNT_ID': return compare(s.comparator, accountId, values);
      case 'S3_BUCKET_EFFECTIVE_PERMISSION': return compare(s.comparator, 'NOT_PUBLIC', values);
      case 'S3_BUCKET_SHARED_ACCESS': return compare(s.comparator, 'NOT_SHARED', values);
      default: return false;
    }
  }
  if (c.tagCriterion) return tagsMatch(c.tagCriterion.comparator, b.tags, c.tagCriterion.tagValues ?? []);
  return true;
}

/** Bucket names the job covers, in the order given (definitions) or by name (criteria). */
export function selectBuckets(def: S3JobDefinition, buckets: readonly ScopedBucket[], accountId: string): string[] {
  if (def.bucketDefinitions) {
    const existing = new Set(buckets.map((b) => b.name));
    return [...new Set(def.bucketDefinitions.flatMap((d) => d.buckets ?? []))].filter((n) => existing.has(n));
  }
  const inc = def.bucketCriteria?.includes?.and ?? [];
  const exc = def.bucketCriteria?.excludes?.and ?? [];
  return buckets
    .filter((b) => inc.every((c) => criterionMatches(c, b, accountId)) && !(exc.length > 0 && exc.every((c) => criterionMatches(c, b, accountId))))
    .map((b) => b.name)
    .sort();
}

/** Sampling: each object is in the sample with probability pct/100, the same answer within one run. */
export function sampled(runId: string, bucket: string, key: string, pct: number): boolean {
  if (pct >= 100) return true;
  if (pct <= 0) return false;
  const h = createHash('sha256').update(`${runId}\0${bucket}\0${key}`).digest();
  return h.readUInt32BE(0) / 0x1_0000_0000 < pct / 100;
}
