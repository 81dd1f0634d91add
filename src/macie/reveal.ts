/**
 * GetSensitiveDataOccurrences: the matched values of a finding, read from the object at request
 * time and never stored. The object version the finding names is scanned again with the scanner
 * that produced the finding (managed identifiers for automated discovery, the job's selection for
 * a job), and up to 10 values per detection type are returned.
 *
 *   finding -> (bucket, key, versionId, origin) -> object service read (decrypting)
 *   -> format readers -> scanner.scanUnits -> RawMatch.text per type (first 10, de-duplicated)
 */
import { readUnitBatches, type ScanUnit } from '../discovery/formats/index.js';
import { CofferError, isCofferError } from '../shared/index.js';
import type { ObjectService } from '../objects/index.js';
import type { Scanner } from '../discovery/index.js';
import type { Identifiers } from './identifiers.js';
import type { Jobs } from './jobs.js';
import type { MacieStore } from './store.js';

/** Macie returns at most 10 values per type; each is 1..128 characters. */
const PER_TYPE = 10;
const BATCH_CHARS = 64 * 1024;

export interface RevealDeps {
  store: MacieStore;
  objects: ObjectService;
  jobs: Jobs;
  identifiers: Identifiers;
  /** The automated-discovery scanner. */
  scanner: Scanner;
}

export async function revealOccurrences(deps: RevealDeps, findingId: string): Promise<Record<string, { value: string }[]>> {
  const f = deps.store.getFindings([findingId])[0];
  if (!f) throw new CofferError('macie.not_found', { message: 'The finding was not found.' });
  const o = (f.body.resourcesAffected as { s3Object: { key: string; versionId: string; bucketArn: string } }).s3Object;
  const bucket = o.bucketArn.replace(/^arn:aws:s3:::/, '');
  const jobId = (f.body.classificationDetails as { jobId?: string }).jobId;
  const scanner = jobId ? (await deps.identifiers.scannerFor(deps.jobs.get(jobId))).scanner : deps.scanner;
  let read;
  try {
    read = await deps.objects.getObject({ bucket, key: o.key, versionId: o.versionId, conditions: {} });
  } catch (err) {
    if (isCofferError(err) && /no_such_(key|version|bucket)/.test(err.code)) {
      throw new CofferError('macie.unprocessable', { message: 'The object of this finding no longer exists.' });
    }
    throw err;
  }
  const wanted = new Set<string>();
  const detections = (f.body.classificationDetails as { result: { sensitiveData: { detections: { type: string }[] }[]; customDataIdentifiers: { detections: { name: string }[] } } }).result;
  for (const s of detections.sensitiveData) for (const d of s.detections) wanted.add(d.type);
  for (const d of detections.customDataIdentifiers.detections) wanted.add(d.name);
  const out = new Map<string, Set<string>>();
  let batch: ScanUnit[] = [];
  let chars = 0;
  const flush = () => {
    const results = scanner.scanUnits(batch);
    batch.forEach((u, i) => {
      for (const m of results[i] ?? []) {
        if (m.start < u.ownStart || m.start >= u.ownEnd || !wanted.has(m.identifier)) continue;
        const set = out.get(m.identifier) ?? new Set<string>();
        if (set.size < PER_TYPE) set.add(m.text.slice(0, 128));
        out.set(m.identifier, set);
      }
    });
    batch = [];
    chars = 0;
  };
  for await (const events of readUnitBatches(read.open(), { filename: o.key })) {
    for (const ev of events) {
      if (ev.type !== 'unit') continue;
      batch.push(ev.unit);
      chars += ev.unit.text.length;
      if (chars >= BATCH_CHARS) flush();
    }
  }
  if (batch.length) flush();
  return Object.fromEntries([...out].map(([type, values]) => [type, [...values].map((value) => ({ value }))]));
}
