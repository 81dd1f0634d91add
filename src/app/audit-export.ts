/**
 * Wires the audit trail's CloudTrail-format export (src/audit/export.ts) to this Coffer's own
 * object service: log files and digests are stored as objects of the configured bucket, with the
 * digest signature as user metadata (x-amz-meta-signature), as CloudTrail delivers them.
 */
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { MasterKey } from '../crypto/index.js';
import type { createObjectService } from '../objects/index.js';
import { startCloudTrailExporter, type AuditTrail, type CloudTrailExporter } from '../audit/index.js';
import type { Clock } from '../shared/index.js';

export function startAuditExport(o: {
  trail: AuditTrail;
  objects: ReturnType<typeof createObjectService>;
  dir: string;
  masterKey: MasterKey;
  accountId: string;
  region: string;
  bucket: string;
  prefix: string;
  intervalMs: number;
  /** Owner recorded on the delivered objects (the admin user). */
  owner: string;
  clock: Clock;
  logger: Logger;
}): CloudTrailExporter {
  return startCloudTrailExporter({
    dir: o.dir,
    masterKey: o.masterKey,
    accountId: o.accountId,
    region: o.region,
    bucket: o.bucket,
    prefix: o.prefix,
    intervalMs: o.intervalMs,
    clock: o.clock,
    sign: (data) => o.trail.signExport(data),
    latestCheckpoint: () => o.trail.latestCheckpoint(),
    sink: {
      async put(bucket, key, body, metadata) {
        await o.objects.putObject({
          bucket,
          key,
          body: { stream: Readable.from([body]), declaredSize: body.length, algorithm: null, expectedChecksum: () => undefined },
          owner: o.owner,
          contentType: 'application/json',
          system: { 'content-encoding': 'gzip' },
          userMetadata: metadata,
          tags: {},
        });
      },
    },
    onError: (e) => o.logger.warn({ bucket: o.bucket, err: (e as { code?: string }).code ?? (e as Error).message }, 'audit export to the bucket failed; it is retried at the next interval'),
  });
}
