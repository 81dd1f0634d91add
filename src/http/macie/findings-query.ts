/**
 * Macie's finding criteria, sorting and paging over finding documents (pure):
 *   findingCriteria.criterion: { "<dotted field>": { eq[], eqExactMatch[], neq[], gt, gte, lt, lte } }
 * eq and neq values are OR-joined, eqExactMatch AND-joined; numbers compare numerically and
 * timestamps (createdAt, updatedAt, ...) as epoch milliseconds, as the Macie API takes them.
 */

export interface Criterion {
  eq?: string[];
  eqExactMatch?: string[];
  neq?: string[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
}

export interface SortCriteria {
  attributeName?: string;
  orderBy?: 'ASC' | 'DESC';
}

/** The values at a dotted path (arrays along the way are flattened; tags as key:value too). */
export function valuesAt(doc: unknown, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (item !== null && typeof item === 'object' && Object.hasOwn(item, part)) next.push((item as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v])).filter((v) => v !== undefined && v !== null);
}

const asNumber = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : Number(v));

function matches(doc: unknown, path: string, c: Criterion): boolean {
  const values = valuesAt(doc, path);
  const text = values.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
  if (c.eq && c.eq.length > 0 && !c.eq.some((e) => text.includes(e))) return false;
  if (c.eqExactMatch && c.eqExactMatch.length > 0 && !c.eqExactMatch.every((e) => text.includes(e))) return false;
  if (c.neq && c.neq.length > 0 && c.neq.some((e) => text.includes(e))) return false;
  const nums = values.map(asNumber).filter((n) => !Number.isNaN(n));
  const numeric = (test: (n: number) => boolean) => nums.some(test);
  if (c.gt !== undefined && !numeric((n) => n > c.gt!)) return false;
  if (c.gte !== undefined && !numeric((n) => n >= c.gte!)) return false;
  if (c.lt !== undefined && !numeric((n) => n < c.lt!)) return false;
  if (c.lte !== undefined && !numeric((n) => n <= c.lte!)) return false;
  return true;
}

/** True when the document satisfies every criterion. */
export function meetsCriteria(doc: unknown, criterion: Record<string, Criterion> | undefined): boolean {
  if (!criterion) return true;
  return Object.entries(criterion).every(([path, c]) => matches(doc, path, c ?? {}));
}

function compareValues(a: unknown, b: unknown): number {
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/** Sorts documents by a dotted attribute (stable; default: as given). */
export function sortBy<T>(docs: T[], sort: SortCriteria | undefined, of: (d: T) => unknown = (d) => d): T[] {
  if (!sort?.attributeName) return docs;
  const dir = sort.orderBy === 'DESC' ? -1 : 1;
  const path = sort.attributeName;
  return docs
    .map((d, i) => ({ d, i, k: valuesAt(of(d), path)[0] }))
    .sort((x, y) => dir * compareValues(x.k, y.k) || x.i - y.i)
    .map((x) => x.d);
}

/** The offset an opaque page token holds and the page size asked for (at most `limit`). */
export function pageWindow(nextToken: unknown, maxResults: unknown, limit: number): { offset: number; size: number } {
  const offset = typeof nextToken === 'string' && /^\d+$/.test(Buffer.from(nextToken, 'base64url').toString()) ? Number(Buffer.from(nextToken, 'base64url').toString()) : 0;
  const size = typeof maxResults === 'number' && Number.isInteger(maxResults) && maxResults > 0 ? Math.min(maxResults, limit) : limit;
  return { offset, size };
}

/** One page of `items` from an opaque offset token. */
export function page<T>(items: readonly T[], nextToken: unknown, maxResults: unknown, limit: number): { items: T[]; nextToken?: string } {
  const { offset: start, size } = pageWindow(nextToken, maxResults, limit);
  const slice = items.slice(start, start + size);
  const end = start + slice.length;
  return end < items.length ? { items: slice, nextToken: Buffer.from(String(end)).toString('base64url') } : { items: slice };
}
