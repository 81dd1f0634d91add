/**
 * Custom data identifiers and allow lists as Macie resources (create, get, list, delete, test),
 * stored in the discovery database, and the scanner a job runs with: the selected managed
 * identifiers, the job's custom identifiers and its allow lists (a regex, or a words list read
 * from an object through the object service at run time).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createScanner, listManagedIdentifiers, managedDetectors, type AllowList, type Detector, type Scanner } from '../discovery/index.js';
import { compileAllowList, compileCustomIdentifier, combineAllowLists } from '../discovery/custom/index.js';
import { CofferError, isCofferError } from '../shared/index.js';
import type { ObjectService } from '../objects/index.js';
import type { MacieStore } from './store.js';

export interface CustomIdentifierDoc {
  id: string;
  arn: string;
  name: string;
  description?: string;
  regex: string;
  keywords: string[];
  ignoreWords: string[];
  maximumMatchDistance: number;
  severityLevels: { occurrencesThreshold: number; severity: 'LOW' | 'MEDIUM' | 'HIGH' }[];
  tags: Record<string, string>;
  createdAt: string;
}

export type AllowListCriteria = { regex: string } | { s3WordsList: { bucketName: string; objectKey: string } };

export interface AllowListDoc {
  id: string;
  arn: string;
  name: string;
  description?: string;
  criteria: AllowListCriteria;
  tags: Record<string, string>;
  createdAt: string;
  updatedAt: string;
}

export type AllowListStatus = 'OK' | 'S3_OBJECT_NOT_FOUND' | 'S3_OBJECT_OVERSIZE' | 'S3_OBJECT_EMPTY' | 'UNKNOWN_ERROR';

/** Which identifiers a job (or a test) runs. */
export interface IdentifierSelection {
  managedDataIdentifierSelector?: 'ALL' | 'EXCLUDE' | 'INCLUDE' | 'NONE' | 'RECOMMENDED' | undefined;
  managedDataIdentifierIds?: string[] | undefined;
  customDataIdentifierIds?: string[] | undefined;
  allowListIds?: string[] | undefined;
}

const MAX_WORDS_BYTES = 35 * 1024 * 1024;

const invalid = (message: string, cause?: unknown) => new CofferError('macie.validation', { message, ...(cause !== undefined ? { cause } : {}) });
const notFound = (what: string) => new CofferError('macie.not_found', { message: `The ${what} was not found.` });

/** Rethrows the engine's validation failures as Macie validation errors (their messages carry no data). */
function validated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof CofferError && e.code.startsWith('discovery.')) throw invalid(e.message, e);
    throw e;
  }
}

export interface IdentifiersDeps {
  store: MacieStore;
  objects: ObjectService;
  accountId: string;
  region: string;
  now: () => number;
  hashKey: Buffer;
}

export function createIdentifiers(deps: IdentifiersDeps) {
  const { store } = deps;
  const iso = () => new Date(deps.now()).toISOString();
  const arn = (kind: string, id: string) => `arn:aws:macie2:${deps.region}:${deps.accountId}:${kind}/${id}`;

  const compile = (doc: CustomIdentifierDoc): Detector =>
    validated(() => compileCustomIdentifier({
      name: doc.name, regex: doc.regex, keywords: doc.keywords, ignoreWords: doc.ignoreWords, maximumMatchDistance: doc.maximumMatchDistance, severityLevels: doc.severityLevels,
      ...(doc.description !== undefined ? { description: doc.description } : {}),
    }));

  async function readWords(list: { bucketName: string; objectKey: string }): Promise<{ status: AllowListStatus; words: string[] }> {
    try {
      const r = await deps.objects.getObject({ bucket: list.bucketName, key: list.objectKey, conditions: {} });
      if (r.record.size > MAX_WORDS_BYTES) return { status: 'S3_OBJECT_OVERSIZE', words: [] };
      if (r.record.size === 0) return { status: 'S3_OBJECT_EMPTY', words: [] };
      const chunks: Buffer[] = [];
      for await (const c of r.open()) chunks.push(c as Buffer);
      const words = Buffer.concat(chunks).toString('utf8').split(/\r?\n/).map((w) => w.trim()).filter((w) => w.length > 0 && w.length <= 90);
      return { status: words.length ? 'OK' : 'S3_OBJECT_EMPTY', words };
    } catch (e) {
      if (isCofferError(e) && /no_such_(key|bucket|version)/.test(e.code)) return { status: 'S3_OBJECT_NOT_FOUND', words: [] };
      return { status: 'UNKNOWN_ERROR', words: [] };
    }
  }

  async function compileAllow(doc: AllowListDoc): Promise<AllowList | null> {
    const c = doc.criteria;
    if ('regex' in c) return validated(() => compileAllowList({ regex: c.regex }));
    const { words } = await readWords(c.s3WordsList);
    return words.length ? validated(() => compileAllowList({ texts: words })) : null;
  }

  const self = {
    // ------------------------------------------------------------ custom data identifiers
    createCustomDataIdentifier(input: Record<string, unknown>): { customDataIdentifierId: string } {
      const token = typeof input.clientToken === 'string' ? input.clientToken : undefined;
      if (token) {
        const prior = store.resourceByClientToken<CustomIdentifierDoc>('custom-data-identifier', token);
        if (prior) return { customDataIdentifierId: prior.id };
      }
      const id = randomUUID();
      const doc: CustomIdentifierDoc = {
        id, arn: arn('custom-data-identifier', id),
        name: typeof input.name === 'string' ? input.name : '',
        ...(typeof input.description === 'string' ? { description: input.description } : {}),
        regex: typeof input.regex === 'string' ? input.regex : '',
        keywords: Array.isArray(input.keywords) ? (input.keywords as string[]) : [],
        ignoreWords: Array.isArray(input.ignoreWords) ? (input.ignoreWords as string[]) : [],
        maximumMatchDistance: typeof input.maximumMatchDistance === 'number' ? input.maximumMatchDistance : 50,
        severityLevels: Array.isArray(input.severityLevels) ? (input.severityLevels as CustomIdentifierDoc['severityLevels']) : [],
        tags: (input.tags as Record<string, string> | undefined) ?? {},
        createdAt: iso(),
      };
      compile(doc);
      if (store.listResources<CustomIdentifierDoc>('custom-data-identifier').some((r) => r.name === doc.name)) {
        throw new CofferError('macie.conflict', { message: 'A custom data identifier with this name already exists.' });
      }
      if (listManagedIdentifiers().some((m) => m.id === doc.name)) throw invalid('The name of a custom data identifier cannot be the id of a managed data identifier.');
      store.putResource('custom-data-identifier', { id, name: doc.name, createdAt: deps.now(), clientToken: token, body: doc });
      return { customDataIdentifierId: id };
    },
    getCustomDataIdentifier(id: string): CustomIdentifierDoc & { deleted: boolean } {
      const r = store.getResource<CustomIdentifierDoc>('custom-data-identifier', id);
      if (!r) throw notFound('custom data identifier');
      return { ...r.body, deleted: r.deleted };
    },
    listCustomDataIdentifiers(): CustomIdentifierDoc[] {
      return store.listResources<CustomIdentifierDoc>('custom-data-identifier').map((r) => r.body);
    },
    batchGetCustomDataIdentifiers(ids: readonly string[]): { found: (CustomIdentifierDoc & { deleted: boolean })[]; notFound: string[] } {
      const found: (CustomIdentifierDoc & { deleted: boolean })[] = [];
      const missing: string[] = [];
      for (const id of ids) {
        const r = store.getResource<CustomIdentifierDoc>('custom-data-identifier', id);
        if (r) found.push({ ...r.body, deleted: r.deleted });
        else missing.push(id);
      }
      return { found, notFound: missing };
    },
    deleteCustomDataIdentifier(id: string): void {
      if (!store.getResource('custom-data-identifier', id)) throw notFound('custom data identifier');
      store.deleteResource('custom-data-identifier', id);
    },
    /** Macie's TestCustomDataIdentifier: how many matches the definition finds in sampleText (never stored). */
    testCustomDataIdentifier(input: Record<string, unknown>): number {
      const sample = typeof input.sampleText === 'string' ? input.sampleText : '';
      if (sample.length === 0 || sample.length > 1000) throw invalid('sampleText must be 1 to 1,000 characters.');
      const det = compile({
        id: 'test', arn: '', name: 'test', regex: typeof input.regex === 'string' ? input.regex : '',
        keywords: Array.isArray(input.keywords) ? (input.keywords as string[]) : [], ignoreWords: Array.isArray(input.ignoreWords) ? (input.ignoreWords as string[]) : [],
        maximumMatchDistance: typeof input.maximumMatchDistance === 'number' ? input.maximumMatchDistance : 50, severityLevels: [], tags: {}, createdAt: '',
      });
      const scanner = createScanner({ customIdentifiers: [det], hashKey: deps.hashKey });
      return scanner.scanUnit({ text: sample, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }).length;
    },

    // ------------------------------------------------------------ allow lists
    createAllowList(input: Record<string, unknown>): { id: string; arn: string } {
      const token = typeof input.clientToken === 'string' ? input.clientToken : undefined;
      if (!token) throw invalid('clientToken is required.');
      const prior = store.resourceByClientToken<AllowListDoc>('allow-list', token);
      if (prior) return { id: prior.id, arn: prior.body.arn };
      const id = randomBytes(16).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '').padEnd(22, '0').slice(0, 22);
      const doc = self.allowListDoc(id, input, iso(), iso());
      store.putResource('allow-list', { id, name: doc.name, createdAt: deps.now(), clientToken: token, body: doc });
      return { id, arn: doc.arn };
    },
    allowListDoc(id: string, input: Record<string, unknown>, createdAt: string, updatedAt: string): AllowListDoc {
      const name = typeof input.name === 'string' ? input.name : '';
      if (name.length < 1 || name.length > 128) throw invalid('name must be 1 to 128 characters.');
      const c = (input.criteria ?? {}) as { regex?: unknown; s3WordsList?: { bucketName?: unknown; objectKey?: unknown } };
      let criteria: AllowListCriteria;
      if (typeof c.regex === 'string' && c.s3WordsList === undefined) {
        const regex = c.regex;
        validated(() => compileAllowList({ regex }));
        criteria = { regex };
      } else if (c.s3WordsList && typeof c.s3WordsList.bucketName === 'string' && typeof c.s3WordsList.objectKey === 'string' && c.regex === undefined) {
        criteria = { s3WordsList: { bucketName: c.s3WordsList.bucketName, objectKey: c.s3WordsList.objectKey } };
      } else {
        throw invalid('criteria must have exactly one of regex or s3WordsList {bucketName, objectKey}.');
      }
      const description = typeof input.description === 'string' ? input.description : undefined;
      if (description !== undefined && description.length > 512) throw invalid('description must be at most 512 characters.');
      return {
        id, arn: arn('allow-list', id), name, ...(description !== undefined ? { description } : {}), criteria,
        tags: (input.tags as Record<string, string> | undefined) ?? {}, createdAt, updatedAt,
      };
    },
    async getAllowList(id: string): Promise<AllowListDoc & { status: { code: AllowListStatus } }> {
      const r = store.getResource<AllowListDoc>('allow-list', id);
      if (!r || r.deleted) throw notFound('allow list');
      const status: AllowListStatus = 'regex' in r.body.criteria ? 'OK' : (await readWords(r.body.criteria.s3WordsList)).status;
      return { ...r.body, status: { code: status } };
    },
    listAllowLists(): AllowListDoc[] {
      return store.listResources<AllowListDoc>('allow-list').map((r) => r.body);
    },
    updateAllowList(id: string, input: Record<string, unknown>): { id: string; arn: string } {
      const r = store.getResource<AllowListDoc>('allow-list', id);
      if (!r || r.deleted) throw notFound('allow list');
      const doc = { ...self.allowListDoc(id, input, r.body.createdAt, iso()), tags: r.body.tags };
      store.putResource('allow-list', { id, name: doc.name, createdAt: r.createdAt, body: doc });
      return { id, arn: doc.arn };
    },
    deleteAllowList(id: string): void {
      if (!store.deleteResource('allow-list', id, { hard: true })) throw notFound('allow list');
    },

    // ------------------------------------------------------------ scanners
    /** Checks that the selection's ids exist (at job creation). */
    checkSelection(sel: IdentifierSelection): void {
      const managed = new Set(listManagedIdentifiers().map((m) => m.id));
      for (const id of sel.managedDataIdentifierIds ?? []) if (!managed.has(id)) throw invalid(`Unknown managed data identifier ${id.slice(0, 64)}.`);
      for (const id of sel.customDataIdentifierIds ?? []) {
        const r = store.getResource('custom-data-identifier', id);
        if (!r || r.deleted) throw invalid('A custom data identifier of the job does not exist.');
      }
      for (const id of sel.allowListIds ?? []) if (!store.getResource('allow-list', id)) throw invalid('An allow list of the job does not exist.');
    },
    /** The scanner for a selection, and the ARNs of its custom identifiers by name. */
    async scannerFor(sel: IdentifierSelection): Promise<{ scanner: Scanner; customArns: Map<string, string> }> {
      const all = listManagedIdentifiers().map((m) => m.id);
      const chosen = sel.managedDataIdentifierIds ?? [];
      const selector = sel.managedDataIdentifierSelector ?? 'ALL';
      const managedIds = selector === 'NONE' ? [] : selector === 'INCLUDE' ? chosen : selector === 'EXCLUDE' ? all.filter((id) => !chosen.includes(id)) : all;
      const customs: Detector[] = [];
      const customArns = new Map<string, string>();
      for (const id of sel.customDataIdentifierIds ?? []) {
        const r = store.getResource<CustomIdentifierDoc>('custom-data-identifier', id);
        if (!r) continue;
        customs.push(compile(r.body));
        customArns.set(r.body.name, r.body.arn);
      }
      const allows: AllowList[] = [];
      for (const id of sel.allowListIds ?? []) {
        const r = store.getResource<AllowListDoc>('allow-list', id);
        const compiled = r ? await compileAllow(r.body) : null;
        if (compiled) allows.push(compiled);
      }
      const scanner = createScanner({
        detectors: managedIds.length ? managedDetectors() : [],
        customIdentifiers: customs,
        identifiers: [...managedIds, ...customs.map((d) => d.id)],
        ...(allows.length ? { allowList: combineAllowLists(allows) } : {}),
        hashKey: deps.hashKey,
      });
      return { scanner, customArns };
    },
  };
  return self;
}

export type Identifiers = ReturnType<typeof createIdentifiers>;
