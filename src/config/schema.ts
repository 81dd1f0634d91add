// The one typed schema of Coffer's configuration. Every leaf accepts its typed form (config
// file, CLI) and its textual form (environment variables), so a single parse validates all
// sources. Issue messages say what was expected and never contain the offending value.
import { z } from 'zod';
import { unsafeUrlReason } from '../guards/url.js';
import {
  isCertificateName, isHostname, parseBoolean, parseDuration, parseList, parseListen, parseSize,
  type ListenAddress, type Parsed,
} from './values.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** A leaf whose input is anything (validated by `parse`) and whose output is `O`. */
function leaf<I, O>(parse: (input: unknown) => Parsed<O>) {
  return z.custom<I>(() => true).transform((input, ctx): O => {
    const r = parse(input);
    if (r.ok) return r.value;
    ctx.issues.push({ code: 'custom', message: r.error, input });
    return z.NEVER;
  });
}

function ranged(n: number, min: number, max: number, what: string): Parsed<number> {
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    return { ok: false, error: `expected ${what} between ${min} and ${max}` };
  }
  return { ok: true, value: n };
}

function bytes(min: number, max: number) {
  return leaf<number | string, number>((v) => {
    if (typeof v === 'number') return ranged(v, min, max, 'an integer byte count');
    if (typeof v !== 'string') return { ok: false, error: 'expected a byte count such as 1048576 or "1MiB"' };
    const r = parseSize(v);
    return r.ok ? ranged(r.value, min, max, 'a byte count') : r;
  });
}

function millis(min: number, max: number) {
  return leaf<number | string, number>((v) => {
    if (typeof v === 'number') return ranged(v, min, max, 'an integer number of milliseconds');
    if (typeof v !== 'string') return { ok: false, error: 'expected a duration in milliseconds such as 10000 or "10s"' };
    const r = parseDuration(v);
    return r.ok ? ranged(r.value, min, max, 'a duration in milliseconds') : r;
  });
}

const bool = leaf<boolean | string, boolean>((v) => {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'string') return parseBoolean(v);
  return { ok: false, error: 'expected true or false' };
});

function text(check: (s: string) => boolean, expected: string) {
  return leaf<string, string>((v) =>
    typeof v === 'string' && check(v) ? { ok: true, value: v } : { ok: false, error: `expected ${expected}` });
}

function oneOf<const T extends readonly string[]>(values: T, extra = '') {
  return leaf<T[number], T[number]>((v) =>
    typeof v === 'string' && (values as readonly string[]).includes(v)
      ? { ok: true, value: v as T[number] }
      : { ok: false, error: `expected one of ${values.join(', ')}${extra}` });
}

const listen = leaf<string, ListenAddress>((v) =>
  typeof v === 'string' ? parseListen(v) : { ok: false, error: 'expected HOST:PORT (IPv6 as [ADDR]:PORT)' });

const names = leaf<string[] | string, string[]>((v) => {
  const list = typeof v === 'string' ? parseList(v) : v;
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) {
    return { ok: false, error: 'expected a list of host names or IP addresses' };
  }
  const bad = list.findIndex((n) => !isCertificateName(n));
  if (bad >= 0) return { ok: false, error: `entry ${bad + 1} is not a host name, *.wildcard name or IP address` };
  // Stored lower-case with IPv6 brackets removed, so comparisons (e.g. certificate SANs) are exact.
  return { ok: true, value: [...new Set(list.map((n) => n.replace(/^\[(.*)\]$/, '$1').toLowerCase()))] };
});

const nonEmptyPath = text((s) => s.length > 0 && !s.includes('\0'), 'a file system path');

/** TLS protocol versions Coffer accepts as a floor; anything older is refused. */
export const TLS_MIN_VERSIONS = ['TLSv1.2', 'TLSv1.3'] as const;

/** FIPS endpoint modes: none, a listener restricted to FIPS-approved suites, or that and a required OpenSSL FIPS provider. */
export const FIPS_ENDPOINT_MODES = ['off', 'endpoint', 'strict'] as const;

function count(min: number, max: number) {
  return leaf<number | string, number>((v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN;
    return ranged(n, min, max, 'an integer');
  });
}

/** What the free-form field guard does with sensitive data (guards.freeFormFields). */
export const GUARD_MODES = ['reject', 'warn', 'off'] as const;

/**
 * A per-bucket setting: an object { bucket: value } or the text "bucket=value,other=value";
 * with `star`, the name * stands for every other bucket.
 */
function perBucket<const T extends readonly string[]>(values: T, noun: string, star: boolean) {
  const list = values.join(', ');
  const names = star ? 'bucket names (or *)' : 'bucket names';
  return leaf<Record<string, string> | string, Readonly<Record<string, T[number]>>>((v) => {
    let entries: Array<[string, unknown]>;
    if (typeof v === 'string') {
      entries = [];
      for (const part of parseList(v)) {
        const i = part.indexOf('=');
        if (i <= 0) return { ok: false, error: `expected bucket=${noun} pairs separated by commas (${star ? '* for every bucket; ' : ''}${noun}: ${list})` };
        entries.push([part.slice(0, i).trim(), part.slice(i + 1).trim()]);
      }
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      entries = Object.entries(v);
    } else {
      return { ok: false, error: `expected an object of ${names} to ${noun}s (${list})` };
    }
    const out: Record<string, T[number]> = {};
    for (const [bucket, value] of entries) {
      if (!(star && bucket === '*') && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return { ok: false, error: `expected ${names.replace('bucket names', 'bucket names (3-63 lower-case letters, digits, dots, hyphens)')}` };
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) return { ok: false, error: `expected each ${noun} to be one of ${list}` };
      out[bucket] = value as T[number];
    }
    return { ok: true, value: Object.freeze(out) };
  });
}

/** Per-bucket guard modes for object key names: "bucket=mode,other=mode". */
const bucketModes = perBucket(GUARD_MODES, 'mode', false);

/** Quarantine severities for discovery (src/macie/quarantine.ts): findings at or above it are quarantined. */
export const QUARANTINE_LEVELS = ['off', 'low', 'medium', 'high'] as const;

/** Per-bucket quarantine levels, '*' for every other bucket: "*=high,payroll=medium". */
const bucketLevels = perBucket(QUARANTINE_LEVELS, 'level', true);

/** Webhook URLs: https only, no credentials in the URL (checked by the URL guard; the URL is never echoed). */
const webhookUrls = leaf<string[] | string, string[]>((v) => {
  const list = typeof v === 'string' ? parseList(v) : v;
  if (!Array.isArray(list) || !list.every((u) => typeof u === 'string')) return { ok: false, error: 'expected a list of https:// URLs' };
  if (list.length > 10) return { ok: false, error: 'expected at most 10 URLs' };
  for (const [i, u] of list.entries()) {
    const why = unsafeUrlReason(u, { what: `entry ${i + 1}` });
    if (why !== null) return { ok: false, error: why };
  }
  return { ok: true, value: [...new Set(list)] };
});

/** MFA enforcement: every request, privileged changes only (default), or as policies say. */
export const MFA_MODES = ['required', 'privileged', 'optional'] as const;

/** Where the master key comes from (src/kms/master-key-source.ts). */
export const MASTER_KEY_SOURCES = ['file', 'env', 'kms'] as const;

const base64Key = text((s) => {
  const t = s.trim();
  return /^[A-Za-z0-9+/]{43}=$/.test(t) && Buffer.from(t, 'base64').length === 32;
}, 'the base64 of exactly 32 random bytes (e.g. openssl rand -base64 32)');
const httpsUrl = text((s) => {
  try {
    return new URL(s).protocol === 'https:';
  } catch {
    return false;
  }
}, 'an https:// URL');
const nonEmpty = text((s) => s.length > 0 && s.length <= 2048 && !/[\0\r\n]/.test(s), 'a non-empty value');

/** Log levels (pino's names). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The configuration schema. Use `loadConfig`, which also reads the sources and freezes the result. */
export const configSchema = z
  .strictObject({
    dataDir: nonEmptyPath.default('./data'),
    listen: listen.default({ host: '127.0.0.1', port: 9000 }),
    insecureHttp: bool.default(false),
    region: text((s) => /^[a-z0-9](?:[a-z0-9-]{0,62})$/.test(s), 'a region name of lower-case letters, digits and hyphens (e.g. us-east-1)')
      .default('us-east-1'),
    baseDomain: text(isHostname, 'a DNS host name such as s3.localhost').optional(),
    serverNames: names.default([]),
    tls: z
      .strictObject({
        certFile: nonEmptyPath.optional(),
        keyFile: nonEmptyPath.optional(),
        minVersion: oneOf(TLS_MIN_VERSIONS, ' (versions below TLS 1.2 are refused)').default('TLSv1.2'),
      })
      .prefault({}),
    // A second TLS listener for FIPS clients (its own port and host name, e.g. s3-fips.DOMAIN).
    fips: z
      .strictObject({
        mode: oneOf(FIPS_ENDPOINT_MODES).default('off'),
        listen: listen.default({ host: '127.0.0.1', port: 9443 }),
        serverNames: names.default([]),
      })
      .prefault({}),
    shutdownGraceMs: millis(0, 600_000).default(10_000),
    limits: z
      .strictObject({
        maxHeaderBytes: bytes(4 * KiB, 1 * MiB).default(16 * KiB),
        maxXmlBodyBytes: bytes(1 * KiB, 64 * MiB).default(1 * MiB),
        maxBulkXmlBodyBytes: bytes(1 * KiB, 256 * MiB).default(8 * MiB),
        maxObjectSize: bytes(0, 5 * GiB).default(5 * GiB),
        handshakeTimeoutMs: millis(100, 600_000).default(10_000),
        headersTimeoutMs: millis(100, 3_600_000).default(60_000),
        requestTimeoutMs: millis(0, 86_400_000).default(3_600_000),
        idleTimeoutMs: millis(100, 3_600_000).default(60_000),
        keepAliveTimeoutMs: millis(0, 600_000).default(30_000),
        maxConnectionsPerSource: count(1, 1_000_000).default(256),
      })
      .prefault({}),
    log: z.strictObject({ level: oneOf(LOG_LEVELS).default('info') }).prefault({}),
    // Identities (src/iam): the root user is for break-glass only and has no access keys unless this allows them.
    iam: z.strictObject({ allowRootAccessKeys: bool.default(false) }).prefault({}),
    // Which requests need an MFA session (src/app/mfa-gate.ts); env COFFER_MFA.
    mfa: oneOf(MFA_MODES).default('privileged'),
    // The master key: <data>/master.key (default), the environment, or an external KMS (AWS KMS
    // or another Coffer) that wraps it; the external URL must pass the URL credential guard.
    masterKey: z
      .strictObject({
        source: oneOf(MASTER_KEY_SOURCES).default('file'),
        value: base64Key.optional(),
        kmsEndpoint: httpsUrl.optional(),
        kmsKeyId: nonEmpty.optional(),
        kmsRegion: text((s) => /^[a-z0-9](?:[a-z0-9-]{0,62})$/.test(s), 'a region name such as us-east-1').default('us-east-1'),
        kmsCaFile: nonEmptyPath.optional(),
        kmsAccessKeyId: text((s) => /^[A-Z0-9]{16,128}$/.test(s), 'an access key id').optional(),
        kmsSecretAccessKey: nonEmpty.optional(),
      })
      .prefault({}),
    // Audit trail (src/audit): retention of old segments and CloudTrail-format export to a bucket.
    audit: z
      .strictObject({
        retentionDays: count(0, 36_500).default(0),
        export: z
          .strictObject({
            bucket: text((s) => /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s), 'a bucket name (3-63 lower-case letters, digits, dots, hyphens)').optional(),
            prefix: text((s) => /^(?:[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*)?$/.test(s) && s.length <= 200, 'a key prefix of letters, digits, . _ - separated by single slashes, without leading or trailing slash').default(''),
            intervalMs: millis(60_000, 86_400_000).default(3_600_000),
          })
          .prefault({}),
      })
      .prefault({}),
    // Free-form field guard (src/guards): names, metadata, tags, paths and descriptions holding
    // personal data or credentials are rejected (default), accepted with an audit finding (warn),
    // or not checked (off); object key names may have their own mode per bucket.
    guards: z
      .strictObject({
        freeFormFields: oneOf(GUARD_MODES).default('reject'),
        objectKeyNames: bucketModes.default({}),
      })
      .prefault({}),
    // Sensitive-data discovery in the service (src/macie): every new object version is classified.
    discovery: z
      .strictObject({
        onWrite: bool.default(true),
        cpuPercent: leaf<number | string, number>((v) => ranged(typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN, 1, 100, 'a percentage')).default(50),
        concurrency: leaf<number | string, number>((v) => ranged(typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : typeof v === 'number' ? v : NaN, 1, 64, 'an integer')).default(2),
        tagObjects: bool.default(false),
        quarantine: bucketLevels.default({}),
        webhook: z
          .strictObject({
            urls: webhookUrls.default([]),
            secretFile: nonEmptyPath.optional(),
            minSeverity: oneOf(['low', 'medium', 'high'] as const).default('low'),
          })
          .prefault({}),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    const mk = c.masterKey;
    const need = (field: keyof typeof mk, why: string) => {
      if (mk[field] === undefined) ctx.addIssue({ code: 'custom', path: ['masterKey', field], message: `required when ${why}`, input: undefined });
    };
    if (mk.source === 'env') need('value', 'masterKey.source is env');
    if (mk.source === 'kms') for (const f of ['kmsEndpoint', 'kmsKeyId', 'kmsAccessKeyId', 'kmsSecretAccessKey'] as const) need(f, 'masterKey.source is kms');
    if ((c.tls.certFile === undefined) !== (c.tls.keyFile === undefined)) {
      const missing = c.tls.certFile === undefined ? 'certFile' : 'keyFile';
      ctx.addIssue({ code: 'custom', path: ['tls', missing], message: 'required when the other of tls.certFile and tls.keyFile is set', input: undefined });
    }
    if (c.fips.mode !== 'off' && c.insecureHttp) {
      ctx.addIssue({ code: 'custom', path: ['fips', 'mode'], message: 'the FIPS endpoint needs TLS; it cannot be used with insecureHttp', input: c.fips.mode });
    }
    if (c.fips.mode !== 'off' && c.fips.listen.port !== 0 && c.fips.listen.port === c.listen.port && c.fips.listen.host === c.listen.host) {
      ctx.addIssue({ code: 'custom', path: ['fips', 'listen'], message: 'must differ from listen (the FIPS endpoint is a second listener)', input: undefined });
    }
    if (c.discovery.webhook.urls.length > 0 && c.discovery.webhook.secretFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['discovery', 'webhook', 'secretFile'], message: 'required when discovery.webhook.urls is set (notifications are signed; create one with: openssl rand -hex 32 > webhook.secret)', input: undefined });
    }
    const l = c.limits;
    if (l.requestTimeoutMs !== 0 && l.headersTimeoutMs > l.requestTimeoutMs) {
      ctx.addIssue({ code: 'custom', path: ['limits', 'headersTimeoutMs'], message: 'must not exceed limits.requestTimeoutMs', input: l.headersTimeoutMs });
    }
    if (l.maxBulkXmlBodyBytes < l.maxXmlBodyBytes) {
      ctx.addIssue({ code: 'custom', path: ['limits', 'maxBulkXmlBodyBytes'], message: 'must be at least limits.maxXmlBodyBytes', input: l.maxBulkXmlBodyBytes });
    }
  });

/** What a configuration source may contain (every field optional, textual forms allowed). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration, before freezing. */
export type ParsedConfig = z.output<typeof configSchema>;
