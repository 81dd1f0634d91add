/**
 * The Macie2 REST-JSON API (the subset Coffer serves), on the discovery service:
 *   route (method + path template) -> authorise macie2:<Operation> on the resource -> operation
 *   -> JSON reply; domain errors -> Macie's error codes (ValidationException 400, AccessDeniedException
 *   403, ResourceNotFoundException 404, ConflictException 409, InternalServerException 500).
 */
import type { ContextValue, EvaluationResult } from '../../iam/policy/index.js';
import { evaluateForPrincipal } from '../iam/index.js';
import { isCofferError } from '../../shared/index.js';
import type { Discovery } from '../../macie/index.js';
import { listManagedIdentifiers } from '../../discovery/index.js';
import type { BucketRecord } from '../../storage/metadata/port.js';
import { meetsCriteria, page, pageWindow, sortBy, valuesAt, type Criterion, type SortCriteria } from './findings-query.js';
import { bucketMetadata, bucketStatistics, resourceDetections, resourceProfile } from './buckets-api.js';

export interface MacieRequest {
  method: string;
  /** Path without the query string, percent-decoded per segment by the router. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
  principal: unknown;
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

export interface MacieResponse {
  status: number;
  body: string;
  operation: string;
  readOnly: boolean;
  resource: string | null;
  decision: EvaluationResult | null;
  errorCode?: string;
  errorMessage?: string;
  /** Values in the body that must never reach the audit trail (revealed occurrences). */
  secrets?: string[];
}

export interface MacieHandlerDeps {
  discovery: Discovery;
  listBuckets(): Promise<BucketRecord[]>;
  accountId: string;
  region: string;
}

type Json = Record<string, unknown>;
interface OpContext { params: string[]; query: URLSearchParams; input: Json }
interface Operation {
  method: string;
  pattern: RegExp;
  name: string;
  readOnly: boolean;
  resource?(ctx: OpContext, deps: MacieHandlerDeps): string;
  run(ctx: OpContext): Promise<Json> | Json;
  /** Needs an MFA session (aws:MultiFactorAuthPresent) on top of the policy's Allow. */
  mfa?: boolean;
}

class MacieError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const ERRORS: Record<string, [number, string]> = {
  'macie.validation': [400, 'ValidationException'],
  'macie.not_found': [404, 'ResourceNotFoundException'],
  'macie.conflict': [409, 'ConflictException'],
  'macie.unprocessable': [422, 'UnprocessableEntityException'],
};

const ID = '([^/]+)';
const arnOf = (kind: string) => (ctx: OpContext, d: MacieHandlerDeps) => `arn:aws:macie2:${d.region}:${d.accountId}:${kind}/${ctx.params[0]}`;

/** ListFindings criteria that map to indexed columns of the findings table. */
const INDEXED_EQ = new Set(['resourcesAffected.s3Bucket.name', 'resourcesAffected.s3Object.key', 'severity.description']);

export function createMacieHandler(deps: MacieHandlerDeps) {
  const d = deps.discovery;
  const customArnsByName = () => new Map(d.identifiers.listCustomDataIdentifiers().map((c) => [c.name, { id: c.id, arn: c.arn }]));
  const bucketOf = (arnOrName: string | null): string => {
    const name = (arnOrName ?? '').replace(/^arn:aws:s3:::/, '');
    if (!name) throw new MacieError(400, 'ValidationException', 'resourceArn must be the ARN of an S3 bucket.');
    return name;
  };
  const requireBucket = async (name: string): Promise<BucketRecord> => {
    const b = (await deps.listBuckets()).find((x) => x.name === name);
    if (!b) throw new MacieError(404, 'ResourceNotFoundException', 'The bucket was not found.');
    return b;
  };
  /** Criteria on indexed columns (bucket, key, severity) as SQL filters; `only` when nothing else is asked. */
  const indexed = (input: Json) => {
    const criterion = (input.findingCriteria as { criterion?: Record<string, Criterion> } | undefined)?.criterion;
    const eq = (name: string): string[] | undefined => {
      const v = criterion?.[name]?.eq;
      return Array.isArray(v) && v.length > 0 && v.length <= 100 && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
    };
    const buckets = eq('resourcesAffected.s3Bucket.name');
    const keys = eq('resourcesAffected.s3Object.key');
    const severities = eq('severity.description');
    const where = { ...(buckets ? { buckets } : {}), ...(keys ? { keys } : {}), ...(severities ? { severities } : {}) };
    const only = Object.entries(criterion ?? {}).every(([name, c]) => INDEXED_EQ.has(name) && Object.keys(c).length === 1 && eq(name) !== undefined);
    return { criterion, where, only };
  };
  // Findings are read row by row; only the matching ones' ids and sort values are kept in memory.
  function* findings(input: Json) {
    // eq criteria on indexed columns narrow the rows read; meetsCriteria still applies every criterion.
    const { criterion, where } = indexed(input);
    for (const f of d.store.allFindings(where)) if (meetsCriteria(f.body, criterion)) yield f;
  }
  /**
   * One page of ListFindings. The usual request (sorted by createdAt, criteria only on bucket, key
   * or severity) pages in SQL without reading finding bodies, so paging through all findings (the
   * AWS CLI does) is linear, not quadratic.
   */
  const findingIdsPage = (input: Json): { items: string[]; nextToken?: string } => {
    const sort = (input.sortCriteria as SortCriteria | undefined) ?? { attributeName: 'createdAt', orderBy: 'DESC' };
    const { where, only } = indexed(input);
    if (only && sort.attributeName === 'createdAt') {
      const { offset, size } = pageWindow(input.nextToken, input.maxResults, 50);
      const ids = d.store.findingIdsByTime(where, sort.orderBy === 'DESC', offset, size + 1);
      return ids.length > size ? { items: ids.slice(0, size), nextToken: Buffer.from(String(offset + size)).toString('base64url') } : { items: ids };
    }
    return page(findingIds(input), input.nextToken, input.maxResults, 50);
  };
  const findingIds = (input: Json): string[] => {
    const sort = (input.sortCriteria as SortCriteria | undefined) ?? { attributeName: 'createdAt', orderBy: 'DESC' };
    const rows: { id: string; k: unknown }[] = [];
    for (const f of findings(input)) rows.push({ id: f.id, k: sort.attributeName ? valuesAt(f.body, sort.attributeName)[0] : undefined });
    return sortBy(rows, sort.attributeName ? { ...sort, attributeName: 'k' } : undefined).map((r) => r.id);
  };

  const ops: Operation[] = [
    // ------------------------------------------------------------------ session
    { method: 'GET', pattern: /^\/macie$/, name: 'GetMacieSession', readOnly: true, run: () => ({ createdAt: new Date(0).toISOString(), findingPublishingFrequency: 'FIFTEEN_MINUTES', serviceRole: `arn:aws:iam::${deps.accountId}:role/aws-service-role/macie.amazonaws.com/AWSServiceRoleForAmazonMacie`, status: 'ENABLED', updatedAt: new Date(0).toISOString() }) },
    // ------------------------------------------------------------------ findings
    {
      method: 'POST', pattern: /^\/findings$/, name: 'ListFindings', readOnly: true,
      run: ({ input }) => {
        const p = findingIdsPage(input);
        return { findingIds: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    {
      method: 'POST', pattern: /^\/findings\/describe$/, name: 'GetFindings', readOnly: true,
      run: ({ input }) => {
        const ids = input.findingIds;
        if (!Array.isArray(ids) || ids.length === 0 || ids.length > 50 || ids.some((i) => typeof i !== 'string')) throw new MacieError(400, 'ValidationException', 'findingIds must list 1 to 50 finding ids.');
        return { findings: sortBy(d.store.getFindings(ids as string[]).map((f) => f.body), input.sortCriteria as SortCriteria | undefined) };
      },
    },
    {
      method: 'POST', pattern: /^\/findings\/statistics$/, name: 'GetFindingStatistics', readOnly: true,
      run: ({ input }) => {
        const groupBy = input.groupBy;
        const allowed = ['resourcesAffected.s3Bucket.name', 'type', 'classificationDetails.jobId', 'severity.description'];
        if (typeof groupBy !== 'string' || !allowed.includes(groupBy)) throw new MacieError(400, 'ValidationException', `groupBy must be one of ${allowed.join(', ')}.`);
        const counts = new Map<string, number>();
        for (const f of findings(input)) {
          let v: unknown = f.body;
          for (const part of groupBy.split('.')) v = v && typeof v === 'object' ? (v as Json)[part] : undefined;
          if (v === undefined || v === null) continue;
          counts.set(String(v), (counts.get(String(v)) ?? 0) + 1);
        }
        const sort = (input.sortCriteria as { attributeName?: string; orderBy?: string } | undefined) ?? { attributeName: 'count', orderBy: 'DESC' };
        let groups = sortBy([...counts].map(([groupKey, count]) => ({ groupKey, count })), { attributeName: sort.attributeName ?? 'count', orderBy: sort.orderBy === 'ASC' ? 'ASC' : 'DESC' });
        if (typeof input.size === 'number' && input.size > 0) groups = groups.slice(0, input.size);
        return { countsByGroup: groups };
      },
    },
    {
      method: 'GET', pattern: new RegExp(`^/findings/${ID}/reveal$`), name: 'GetSensitiveDataOccurrences', readOnly: true, mfa: true,
      run: async ({ params }) => ({ sensitiveDataOccurrences: await d.reveal(params[0]!), status: 'SUCCESS' }),
    },
    // ------------------------------------------------------------------ buckets (automated discovery)
    {
      method: 'POST', pattern: /^\/datasources\/s3$/, name: 'DescribeBuckets', readOnly: true,
      run: async ({ input }) => {
        const criteria = (input.criteria as Record<string, Criterion & { prefix?: string }> | undefined) ?? {};
        const rows = (await deps.listBuckets()).map((b) => bucketMetadata(b, d.store.bucketStatistics(b.name), deps));
        const kept = rows.filter((r) => meetsCriteria(r, Object.fromEntries(Object.entries(criteria).map(([k, c]) => [k, { ...c, prefix: undefined }])))
          && Object.entries(criteria).every(([k, c]) => c.prefix === undefined || String(r[k] ?? '').startsWith(c.prefix)));
        const p = page(sortBy(kept, input.sortCriteria as SortCriteria | undefined), input.nextToken, input.maxResults, 50);
        return { buckets: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    { method: 'POST', pattern: /^\/datasources\/s3\/statistics$/, name: 'GetBucketStatistics', readOnly: true, run: async () => bucketStatistics(await deps.listBuckets(), d.store) },
    {
      method: 'GET', pattern: /^\/resource-profiles$/, name: 'GetResourceProfile', readOnly: true,
      run: async ({ query }) => resourceProfile(d.store.bucketStatistics((await requireBucket(bucketOf(query.get('resourceArn')))).name)),
    },
    {
      method: 'GET', pattern: /^\/resource-profiles\/detections$/, name: 'ListResourceProfileDetections', readOnly: true,
      run: async ({ query }) => {
        const s = d.store.bucketStatistics((await requireBucket(bucketOf(query.get('resourceArn')))).name);
        const p = page(resourceDetections(s, customArnsByName()), query.get('nextToken') ?? undefined, Number(query.get('maxResults') ?? 25), 25);
        return { detections: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    // ------------------------------------------------------------------ jobs
    { method: 'POST', pattern: /^\/jobs$/, name: 'CreateClassificationJob', readOnly: false, run: ({ input }) => d.jobs.create(input) },
    {
      method: 'POST', pattern: /^\/jobs\/list$/, name: 'ListClassificationJobs', readOnly: true,
      run: ({ input }) => {
        const fc = input.filterCriteria as { includes?: { comparator?: string; key?: string; values?: string[] }[]; excludes?: { comparator?: string; key?: string; values?: string[] }[] } | undefined;
        const test = (job: Json, t: { comparator?: string; key?: string; values?: string[] }) => {
          const v = String(job[t.key ?? ''] ?? '');
          const vals = t.values ?? [];
          switch (t.comparator ?? 'EQ') {
            case 'NE': return !vals.includes(v);
            case 'CONTAINS': return vals.some((x) => v.includes(x));
            case 'STARTS_WITH': return vals.some((x) => v.startsWith(x));
            case 'GT': return vals.some((x) => v > x);
            case 'GTE': return vals.some((x) => v >= x);
            case 'LT': return vals.some((x) => v < x);
            case 'LTE': return vals.some((x) => v <= x);
            default: return vals.includes(v);
          }
        };
        const items = d.jobs.list().map((j) => d.jobs.summary(j))
          .filter((j) => (fc?.includes ?? []).every((t) => test(j, t)) && !(fc?.excludes ?? []).some((t) => test(j, t)));
        const p = page(sortBy(items, (input.sortCriteria as SortCriteria | undefined) ?? { attributeName: 'createdAt', orderBy: 'DESC' }), input.nextToken, input.maxResults, 100);
        return { items: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    { method: 'GET', pattern: new RegExp(`^/jobs/${ID}$`), name: 'DescribeClassificationJob', readOnly: true, resource: arnOf('classification-job'), run: ({ params }) => d.jobs.describe(d.jobs.get(params[0]!)) },
    {
      method: 'PATCH', pattern: new RegExp(`^/jobs/${ID}$`), name: 'UpdateClassificationJob', readOnly: false, resource: arnOf('classification-job'),
      run: ({ params, input }) => {
        d.jobs.updateStatus(params[0]!, input.jobStatus);
        return {};
      },
    },
    // ------------------------------------------------------------------ custom data identifiers
    { method: 'POST', pattern: /^\/custom-data-identifiers$/, name: 'CreateCustomDataIdentifier', readOnly: false, run: ({ input }) => d.identifiers.createCustomDataIdentifier(input) },
    {
      method: 'POST', pattern: /^\/custom-data-identifiers\/list$/, name: 'ListCustomDataIdentifiers', readOnly: true,
      run: ({ input }) => {
        const p = page(d.identifiers.listCustomDataIdentifiers().map((c) => ({ arn: c.arn, createdAt: c.createdAt, ...(c.description ? { description: c.description } : {}), id: c.id, name: c.name })), input.nextToken, input.maxResults, 500);
        return { items: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    {
      method: 'POST', pattern: /^\/custom-data-identifiers\/get$/, name: 'BatchGetCustomDataIdentifiers', readOnly: true,
      run: ({ input }) => {
        const ids = Array.isArray(input.ids) ? (input.ids as unknown[]).filter((x): x is string => typeof x === 'string') : [];
        const r = d.identifiers.batchGetCustomDataIdentifiers(ids);
        return { customDataIdentifiers: r.found.map((c) => ({ arn: c.arn, createdAt: c.createdAt, deleted: c.deleted, ...(c.description ? { description: c.description } : {}), id: c.id, name: c.name })), notFoundIdentifierIds: r.notFound };
      },
    },
    { method: 'POST', pattern: /^\/custom-data-identifiers\/test$/, name: 'TestCustomDataIdentifier', readOnly: true, run: ({ input }) => ({ matchCount: d.identifiers.testCustomDataIdentifier(input) }) },
    { method: 'GET', pattern: new RegExp(`^/custom-data-identifiers/${ID}$`), name: 'GetCustomDataIdentifier', readOnly: true, resource: arnOf('custom-data-identifier'), run: ({ params }) => ({ ...d.identifiers.getCustomDataIdentifier(params[0]!) }) },
    {
      method: 'DELETE', pattern: new RegExp(`^/custom-data-identifiers/${ID}$`), name: 'DeleteCustomDataIdentifier', readOnly: false, resource: arnOf('custom-data-identifier'),
      run: ({ params }) => {
        d.identifiers.deleteCustomDataIdentifier(params[0]!);
        return {};
      },
    },
    { method: 'POST', pattern: /^\/managed-data-identifiers\/list$/, name: 'ListManagedDataIdentifiers', readOnly: true, run: () => ({ items: listManagedIdentifiers().map((m) => ({ category: m.category === 'Financial' ? 'FINANCIAL_INFORMATION' : m.category === 'Credentials' ? 'CREDENTIALS' : 'PERSONAL_INFORMATION', id: m.id })) }) },
    // ------------------------------------------------------------------ allow lists
    { method: 'POST', pattern: /^\/allow-lists$/, name: 'CreateAllowList', readOnly: false, run: ({ input }) => d.identifiers.createAllowList(input) },
    {
      method: 'GET', pattern: /^\/allow-lists$/, name: 'ListAllowLists', readOnly: true,
      run: ({ query }) => {
        const max = query.get('maxResults');
        const p = page(d.identifiers.listAllowLists().map((a) => ({ arn: a.arn, createdAt: a.createdAt, ...(a.description ? { description: a.description } : {}), id: a.id, name: a.name, updatedAt: a.updatedAt })), query.get('nextToken') ?? undefined, max ? Number(max) : undefined, 25);
        return { allowLists: p.items, ...(p.nextToken ? { nextToken: p.nextToken } : {}) };
      },
    },
    { method: 'GET', pattern: new RegExp(`^/allow-lists/${ID}$`), name: 'GetAllowList', readOnly: true, resource: arnOf('allow-list'), run: async ({ params }) => ({ ...(await d.identifiers.getAllowList(params[0]!)) }) },
    { method: 'PUT', pattern: new RegExp(`^/allow-lists/${ID}$`), name: 'UpdateAllowList', readOnly: false, resource: arnOf('allow-list'), run: ({ params, input }) => d.identifiers.updateAllowList(params[0]!, input) },
    {
      method: 'DELETE', pattern: new RegExp(`^/allow-lists/${ID}$`), name: 'DeleteAllowList', readOnly: false, resource: arnOf('allow-list'),
      run: ({ params }) => {
        d.identifiers.deleteAllowList(params[0]!);
        return {};
      },
    },
  ];

  /** The operation a request names (for audit records of requests that never reached it). */
  function operationOf(method: string, path: string): string {
    return ops.find((o) => o.method === method && o.pattern.test(path))?.name ?? 'Unknown';
  }

  async function handle(req: MacieRequest): Promise<MacieResponse> {
    const op = ops.find((o) => o.method === req.method && o.pattern.test(req.path));
    const reply = (status: number, body: Json, extra: Partial<MacieResponse> = {}): MacieResponse => ({
      status, body: JSON.stringify(body), operation: op?.name ?? 'Unknown', readOnly: op?.readOnly ?? true, resource: null, decision: null, ...extra,
    });
    const fail = (status: number, code: string, message: string, extra: Partial<MacieResponse> = {}) => reply(status, { message }, { errorCode: code, errorMessage: message, ...extra });
    if (!op) return fail(404, 'ResourceNotFoundException', 'No Macie operation matches this method and path.');
    const params = (op.pattern.exec(req.path) ?? []).slice(1).map((p) => decodeURIComponent(p));
    let input: Json = {};
    if (req.body.length > 0) {
      try {
        const parsed: unknown = JSON.parse(req.body.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as Json;
      } catch {
        return fail(400, 'ValidationException', 'The request body is not a JSON object.');
      }
    }
    const ctx: OpContext = { params, query: req.query, input };
    const resource = op.resource ? op.resource(ctx, deps) : '*';
    const decision = evaluateForPrincipal(req.principal, { action: `macie2:${op.name}`, resource, conditionKeys: req.conditionKeys });
    const extra = { resource: resource === '*' ? null : resource, decision };
    if (decision.decision !== 'Allow') return fail(403, 'AccessDeniedException', `You are not authorized to perform macie2:${op.name} on this resource.`, extra);
    if (op.mfa && req.conditionKeys['aws:MultiFactorAuthPresent'] !== 'true') {
      return fail(403, 'AccessDeniedException', `macie2:${op.name} reveals sensitive data and needs an MFA session (aws sts get-session-token with a code).`, extra);
    }
    try {
      const body = await op.run(ctx);
      if (op.name === 'GetSensitiveDataOccurrences') {
        const occ = body.sensitiveDataOccurrences as Record<string, { value: string }[]>;
        return reply(200, body, { ...extra, secrets: Object.values(occ).flat().map((o) => o.value) });
      }
      return reply(200, body, extra);
    } catch (err) {
      if (err instanceof MacieError) return fail(err.status, err.code, err.message, extra);
      if (isCofferError(err)) {
        const mapped = ERRORS[err.code];
        if (mapped) return fail(mapped[0], mapped[1], err.message, extra);
      }
      throw err;
    }
  }

  return { handle, operationOf };
}
