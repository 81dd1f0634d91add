/**
 * Classifies one object version: reads it through the object service (decrypting), streams it
 * through the format readers and the engine under the shared CPU budget, and turns the result
 * into a classification outcome with an optional Macie finding.
 */
import type { Readable } from 'node:stream';
import { runScan, type ObjectResult } from '../discovery/cli/index.js';
import type { Scanner } from '../discovery/index.js';
import type { ObjectService } from '../objects/index.js';
import type { ObjectVersionRecord } from '../storage/metadata/port.js';
import type { CpuBudget } from './cpu-budget.js';
import { buildFinding, type FindingOrigin } from './finding.js';
import type { ClassificationOutcome } from './store.js';

const NO_PROGRESS = { expect() {}, object() {}, bytes() {}, objectDone() {}, stop() {} };

export interface ClassifyContext {
  objects: ObjectService;
  scanner: Scanner;
  budget: CpuBudget;
  accountId: string;
  region: string;
  now: () => number;
  origin: FindingOrigin;
  customArns: ReadonlyMap<string, string>;
  /** Reading stops after this long; the object is then PARTIAL with TIME_CUT_OFF_REACHED. */
  objectTimeoutMs?: number;
}

/** The chunks of `stream`, pacing the consumer's work on each against the budget. */
async function* paced(stream: Readable, budget: CpuBudget): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    await budget.pace();
    yield chunk as Buffer;
  }
}

/** Scans an already-read version. `bucketInfo` decorates the finding's s3Bucket. */
export async function classifyRecord(
  ctx: ClassifyContext,
  record: ObjectVersionRecord,
  open: () => Readable,
  bucketInfo: { createdAt?: number; owner?: string } = {},
): Promise<{ outcome: ClassificationOutcome; result: ObjectResult }> {
  const report = await runScan(
    [{ name: record.key, uri: `s3://${record.bucket}/${record.key}`, uriIsRelative: false, size: record.size, open: () => paced(open(), ctx.budget) as unknown as Readable }],
    { scanner: ctx.scanner, progress: NO_PROGRESS, ...(ctx.objectTimeoutMs !== undefined ? { objectTimeoutMs: ctx.objectTimeoutMs } : {}) },
  );
  const result: ObjectResult = report.objects[0] ?? {
    name: record.key, uri: '', uriIsRelative: false, size: record.size, bytesScanned: report.summary.bytesScanned, status: 'COMPLETE', skipped: [],
    findings: { type: null, category: null, severity: null, totalCount: 0, additionalOccurrences: false, detections: [] },
  };
  const finding = buildFinding(
    result,
    {
      bucket: record.bucket, key: record.key, versionId: record.versionId, etag: record.etag, size: record.size, lastModified: record.lastModified, tags: record.tags,
      bucketCreatedAt: bucketInfo.createdAt, bucketOwner: bucketInfo.owner,
    },
    { accountId: ctx.accountId, region: ctx.region, now: ctx.now(), origin: ctx.origin, customArns: ctx.customArns },
  );
  return {
    result,
    outcome: {
      state: result.status,
      bytesClassified: result.bytesScanned,
      types: result.findings.detections.map((d) => ({ type: d.type, category: d.category, count: d.count })),
      maxSeverity: result.findings.severity?.score ?? 0,
      finding,
    },
  };
}
