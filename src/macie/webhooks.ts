/**
 * Notifications of new findings to HTTPS webhooks, through a durable outbox in the discovery
 * database: a delivery row is written in the same transaction as the finding, so a crash never
 * loses a notification (at-least-once; receivers de-duplicate by the delivery id).
 *
 *   body      = { version, id, detail-type: 'Macie Finding', source: 'aws.macie', account, time,
 *                 region, resources, detail: <the Macie Finding, locations only, never values> }
 *               (the shape Macie publishes to EventBridge)
 *   signature = HMAC-SHA256(secret, "<t>.<body>") in hex, sent as
 *               x-coffer-signature: t=<unix seconds>,v1=<hex>     (receivers recompute it, compare in
 *               constant time and reject a t older than a few minutes, against replays)
 *   deliver   : due rows -> POST through guardedFetch (URL re-checked, no redirects, 10 s timeout)
 *               2xx -> delivered; otherwise attempts++, next = now + min(1 s * 2^(attempts-1), 15 min)
 *               with jitter; after 10 attempts -> failed. Each outcome is recorded on the row and
 *               reported (audit event) through onOutcome.
 */
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { guardedFetch } from '../guards/index.js';
import type { Db } from './db.js';
import type { FindingRecord } from './finding.js';

export type WebhookSeverity = 'low' | 'medium' | 'high';

export interface WebhookSettings {
  /** HTTPS URLs that pass the URL credential guard (checked when the configuration is loaded). */
  urls: readonly string[];
  /** The shared signing secret (from discovery.webhook.secretFile). */
  secret: Buffer;
  /** Findings of this severity and above are sent. */
  minSeverity: WebhookSeverity;
}

export interface DeliveryOutcome {
  deliveryId: string;
  findingId: string;
  /** Host of the webhook URL (the URL's path and query are not reported). */
  host: string;
  state: 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
}

const MAX_ATTEMPTS = 10;
const BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 15 * 60_000;
const TIMEOUT_MS = 10_000;
const PARALLEL = 4;
const RANK: Record<string, number> = { low: 1, medium: 2, high: 3, Low: 1, Medium: 2, High: 3 };

/** The signature header value for `body` sent at `timestampSec`. */
export function signWebhook(secret: Buffer, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestampSec}.`).update(body).digest('hex');
  return `t=${timestampSec},v1=${mac}`;
}

/** The EventBridge-shaped notification of one finding. */
export function notificationOf(f: FindingRecord, id: string, ctx: { accountId: string; region: string }): string {
  return JSON.stringify({
    version: '0',
    id,
    'detail-type': 'Macie Finding',
    source: 'aws.macie',
    account: ctx.accountId,
    time: new Date(f.createdAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ctx.region,
    resources: [],
    detail: f.body,
  });
}

/** Writes the deliveries of a new finding; call inside the transaction that stores the finding. */
export function enqueueNotifications(db: Db, settings: WebhookSettings | null, f: FindingRecord, ctx: { accountId: string; region: string; now: number }): number {
  if (!settings || settings.urls.length === 0 || (RANK[f.severity] ?? 0) < (RANK[settings.minSeverity] ?? 99)) return 0;
  const insert = db.prepare(
    `INSERT INTO webhook_deliveries (id, url, finding_id, body, state, attempts, next_at, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`,
  );
  for (const url of settings.urls) {
    const id = randomUUID();
    insert.run(id, url, f.id, notificationOf(f, id, ctx), ctx.now, ctx.now);
  }
  return settings.urls.length;
}

export interface WebhookDeliverer {
  /** Wake the loop (a delivery was enqueued). */
  notify(): void;
  /** Resolves when no delivery is due now (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

interface Row {
  id: string;
  url: string;
  finding_id: string;
  body: string;
  attempts: number;
}

/** A short, URL-free name for a failed attempt: timeout, ECONNREFUSED, CERT_HAS_EXPIRED, guards.unsafe_url... */
function errorKind(err: unknown): string {
  // guardedFetch wraps fetch errors (cause: TypeError 'fetch failed', its cause: the socket error).
  const e = err as { code?: string; name?: string; cause?: { name?: string; code?: string; cause?: { code?: string; name?: string } } };
  const inner = e.cause?.cause ?? e.cause;
  if (e.cause?.name === 'TimeoutError' || inner?.name === 'TimeoutError') return 'timeout';
  const code = inner?.code ?? e.code ?? inner?.name ?? e.name ?? 'error';
  return String(code).slice(0, 64);
}

const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid';
  }
};

export function startWebhookDeliverer(opts: {
  db: Db;
  settings: WebhookSettings;
  now: () => number;
  logger: Logger;
  onOutcome?(o: DeliveryOutcome): Promise<void>;
  tickMs?: number;
}): WebhookDeliverer {
  const { db } = opts;
  let closed = false;
  let wake: (() => void) | null = null;
  let idleWaiters: (() => void)[] = [];
  const due = db.prepare(`SELECT id, url, finding_id, body, attempts FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?`);
  const done = db.prepare(`UPDATE webhook_deliveries SET state = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?`);
  const retry = db.prepare(`UPDATE webhook_deliveries SET state = ?, attempts = ?, last_status = ?, last_error = ?, next_at = ? WHERE id = ?`);

  const attempt = async (row: Row): Promise<void> => {
    const t = Math.floor(opts.now() / 1000);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await guardedFetch(
        row.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Coffer-Discovery-Webhook/1',
            'x-coffer-event': 'macie.finding',
            'x-coffer-delivery': row.id,
            'x-coffer-signature': signWebhook(opts.settings.secret, t, row.body),
          },
          body: row.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        },
        { what: 'the discovery webhook URL', maxRedirects: 0 },
      );
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = errorKind(err);
    }
    const attempts = row.attempts + 1;
    const host = hostOf(row.url);
    if (status !== null && status >= 200 && status < 300) {
      done.run(attempts, status, opts.now(), row.id);
      await report({ deliveryId: row.id, findingId: row.finding_id, host, state: 'delivered', attempts, lastStatus: status, lastError: null });
      return;
    }
    const failed = attempts >= MAX_ATTEMPTS;
    const delay = Math.min(BASE_DELAY_MS * 2 ** (attempts - 1), MAX_DELAY_MS) * (0.5 + Math.random() / 2);
    retry.run(failed ? 'failed' : 'pending', attempts, status, error, Math.round(opts.now() + delay), row.id);
    opts.logger.warn({ deliveryId: row.id, host, attempts, status, error, final: failed }, failed ? 'a finding notification could not be delivered; giving up' : 'a finding notification failed; retrying with back-off');
    if (failed) await report({ deliveryId: row.id, findingId: row.finding_id, host, state: 'failed', attempts, lastStatus: status, lastError: error });
  };

  const report = async (o: DeliveryOutcome): Promise<void> => {
    await opts.onOutcome?.(o).catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, 'could not record a webhook delivery outcome'));
  };

  const loop = async (): Promise<void> => {
    while (!closed) {
      const rows = due.all(opts.now(), PARALLEL) as Row[];
      if (rows.length > 0) {
        await Promise.all(rows.map(attempt));
        continue;
      }
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.tickMs ?? 500);
        timer.unref();
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  };
  const running = loop().catch((err: unknown) => opts.logger.error({ err: (err as Error).message }, 'the webhook deliverer stopped'));

  return {
    notify: () => wake?.(),
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        wake?.();
      }),
    async close() {
      closed = true;
      wake?.();
      await running;
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
  };
}
