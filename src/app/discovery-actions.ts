/**
 * What discovery's actions need from the rest of the server: the webhook signing secret from its
 * file, the audit record of what discovery does on its own (AwsServiceEvent events, invoked by
 * macie2.amazonaws.com), and the quarantine release port for the S3 handler.
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { AuditTrail } from '../audit/index.js';
import { EVENT_VERSION, type AuditEvent } from '../audit/event.js';
import type { CofferConfig } from '../config/index.js';
import type { DiscoveryEvent } from '../macie/index.js';
import { releaseVersion } from '../macie/quarantine.js';
import type { WebhookSettings } from '../macie/webhooks.js';
import type { QuarantinePort } from '../http/s3/context.js';
import type { MetadataStore } from '../storage/metadata/port.js';
import { CofferError, type Clock } from '../shared/index.js';

/** The webhook settings with the secret read from its file; null when no URL is configured. */
export async function loadWebhookSettings(c: CofferConfig['discovery']['webhook']): Promise<WebhookSettings | null> {
  if (c.urls.length === 0 || c.secretFile === undefined) return null;
  let text: string;
  try {
    text = (await readFile(c.secretFile, 'utf8')).trim();
  } catch (cause) {
    throw new CofferError('config.invalid', { message: `discovery.webhook.secretFile: cannot read the file (${(cause as NodeJS.ErrnoException).code ?? 'error'}). Create it with: openssl rand -hex 32 > webhook.secret`, cause });
  }
  if (text.length < 32) {
    throw new CofferError('config.invalid', { message: 'discovery.webhook.secretFile: the secret must be at least 32 characters. Create one with: openssl rand -hex 32 > webhook.secret' });
  }
  return { urls: c.urls, secret: Buffer.from(text, 'utf8'), minSeverity: c.minSeverity };
}

/** Records discovery's own actions durably in the audit trail (a rejection makes the caller retry). */
export function discoveryAuditSink(trail: AuditTrail, ctx: { accountId: string; region: string; clock: Clock }): (e: DiscoveryEvent) => Promise<void> {
  return async (e) => {
    const event: AuditEvent = {
      eventVersion: EVENT_VERSION,
      userIdentity: { type: 'AWSService', invokedBy: 'macie2.amazonaws.com' },
      eventTime: new Date(ctx.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      eventSource: 'macie2.amazonaws.com',
      eventName: e.eventName,
      awsRegion: ctx.region,
      sourceIPAddress: 'macie2.amazonaws.com',
      userAgent: 'macie2.amazonaws.com',
      ...(e.errorCode !== undefined ? { errorCode: e.errorCode } : {}),
      requestParameters: null,
      responseElements: null,
      additionalEventData: e.additionalEventData,
      requestID: randomUUID(),
      eventID: randomUUID(),
      readOnly: false,
      ...(e.resources ? { resources: e.resources.map((r) => ({ ...r, accountId: ctx.accountId })) } : {}),
      eventType: 'AwsServiceEvent',
      managementEvent: true,
      recipientAccountId: ctx.accountId,
      eventCategory: 'Management',
    };
    await trail.record(event);
  };
}

/** Releases quarantined versions through the metadata store under the discovery capture (system tags). */
export function quarantinePort(metadata: MetadataStore): QuarantinePort {
  return { release: (bucket, key, versionId) => releaseVersion(metadata, bucket, key, versionId) };
}
