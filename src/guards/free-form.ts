/**
 * Free-form field guard: user-supplied names, paths, descriptions, metadata and tags end up in
 * listings, diagnostic logs and audit records, so they must not carry personal data or
 * credentials. Each value is checked with the high-precision detectors (detectors.ts).
 *
 *   checkFreeFormField(field, value, opts)  -> null | finding (kind, label; never the value)
 *   guard.session()                          -> one per request: check() records findings,
 *     mode reject: throws CofferError('guards.sensitive_field') naming the field and the kind
 *     mode warn:   records the finding (audit event, counter) and lets the request go on
 *     mode off:    does nothing
 *   session.sensitive                        -> the flagged substrings, so the audit trail and
 *                                               logs can hide them (never rendered anywhere)
 */
import { CofferError } from '../shared/index.js';
import { findSensitiveLoose, isSecretKeyShaped, AWS_SECRET_KEY_KIND } from './detectors.js';

/** What a deployment does with a sensitive free-form field. */
export type FreeFormMode = 'reject' | 'warn' | 'off';

/** The values `guards.freeFormFields` accepts. */
export const FREE_FORM_MODES: readonly FreeFormMode[] = Object.freeze(['reject', 'warn', 'off']);

/** One detection in one field. Carries no part of the value. */
export interface FieldFinding {
  /** Field as named in messages, e.g. `x-amz-meta-name`, `object key name`, `Path`. */
  field: string;
  /** Stable machine kind: payment-card, iban, national-id, aws-secret-key, private-key, ... */
  kind: string;
  /** Phrase with article: "a payment card number". */
  label: string;
  /** The managed identifier that matched (e.g. CREDIT_CARD_NUMBER). */
  identifier: string;
}

export interface CheckOptions {
  /**
   * Words that describe the value (a tag key for a tag value, a metadata name): they count as
   * keywords for the whole value, so `aws_secret_access_key=<40 chars>` is found as a tag.
   */
  context?: readonly string[];
  /**
   * The field is a value (tag or metadata value, description), not a name: a whole value shaped
   * like an AWS secret access key is refused even without a keyword.
   */
  value?: boolean;
}

/** Internal result: the finding plus the flagged substrings (for redaction only). */
export interface DetailedFinding extends FieldFinding {
  spans: string[];
}

function detailed(field: string, value: string, opts: CheckOptions): DetailedFinding | null {
  if (value.length === 0) return null;
  const spans = findSensitiveLoose(value, opts.context);
  if (spans.length > 0) {
    const first = spans[0]!;
    return { field, kind: first.kind, label: first.label, identifier: first.identifier, spans: spans.map((s) => s.text) };
  }
  if (opts.value && isSecretKeyShaped(value)) {
    return { field, kind: AWS_SECRET_KEY_KIND.kind, label: AWS_SECRET_KEY_KIND.label, identifier: 'AWS_CREDENTIALS', spans: [value.trim()] };
  }
  return null;
}

/**
 * Checks one free-form field. Returns null when nothing sensitive was found, else what was
 * found (never the value). Fast enough for every request: well under a microsecond for values
 * that fire no detector trigger (no long digit run, no credential literal).
 */
export function checkFreeFormField(fieldName: string, value: string, opts: CheckOptions = {}): FieldFinding | null {
  const f = detailed(fieldName, value, opts);
  if (f === null) return null;
  const { spans: _spans, ...finding } = f;
  return finding;
}

/** The message of a refusal: names the field and the kind of data, never the value. */
export function refusalMessage(f: FieldFinding, hint: string): string {
  return `${f.field} contains what looks like ${f.label}; free-form fields must not hold sensitive data. ${hint}`;
}

/** Default hint for S3 requests. */
export const S3_HINT = 'Store it in the object body instead, or ask an administrator to set guards.freeFormFields to warn.';
/** Default hint for IAM requests. */
export const IAM_HINT = 'Keep personal data and credentials out of names, paths, descriptions and tags, or ask an administrator to set guards.freeFormFields to warn.';

/** A finding as recorded for the request (audit event), with what the guard did. */
export interface RecordedFinding extends FieldFinding {
  action: 'rejected' | 'warned';
}

/** Per-request view of the guard. */
export interface GuardSession {
  /** Findings of this request, in order (for the audit event; no values). */
  readonly findings: readonly RecordedFinding[];
  /** Flagged substrings of this request: hide them wherever they would be recorded. Never render. */
  readonly sensitive: readonly string[];
  /**
   * Checks a field: null when clean; in reject mode throws `guards.sensitive_field` (S3
   * InvalidArgument, IAM ValidationError); in warn mode records and returns the finding.
   * `mode` overrides the guard's mode for this field (per-bucket object key name setting).
   */
  check(field: string, value: string, opts?: CheckOptions & { mode?: FreeFormMode }): FieldFinding | null;
}

export interface FieldGuardOptions {
  mode: FreeFormMode;
  /** Sentence appended to refusal messages (how to fix it). Default: S3_HINT. */
  hint?: string;
  /** Called for each finding (metrics, a warn log line); receives no value. */
  onFinding?: (f: RecordedFinding) => void;
}

/** Counters of findings since start, by kind and action. */
export interface GuardCounters {
  rejected: Record<string, number>;
  warned: Record<string, number>;
}

export interface FieldGuard {
  readonly mode: FreeFormMode;
  /** A fresh per-request session. */
  session(opts?: { hint?: string }): GuardSession;
  /** Findings counted so far (the guard's metric). */
  counters(): GuardCounters;
}

/** Builds the deployment's field guard (one per server). */
export function createFieldGuard(options: FieldGuardOptions): FieldGuard {
  const counters: GuardCounters = { rejected: {}, warned: {} };
  const count = (f: RecordedFinding): void => {
    const table = counters[f.action];
    table[f.kind] = (table[f.kind] ?? 0) + 1;
    options.onFinding?.(f);
  };
  return {
    mode: options.mode,
    counters: () => ({ rejected: { ...counters.rejected }, warned: { ...counters.warned } }),
    session(sessionOpts = {}) {
      const findings: RecordedFinding[] = [];
      const sensitive: string[] = [];
      const hint = sessionOpts.hint ?? options.hint ?? S3_HINT;
      return {
        findings,
        sensitive,
        check(field, value, opts = {}) {
          const mode = opts.mode ?? options.mode;
          if (mode === 'off') return null;
          const f = detailed(field, value, opts);
          if (f === null) return null;
          const { spans, ...finding } = f;
          for (const s of spans) if (!sensitive.includes(s)) sensitive.push(s);
          const recorded: RecordedFinding = { ...finding, action: mode === 'reject' ? 'rejected' : 'warned' };
          findings.push(recorded);
          count(recorded);
          if (mode === 'reject') {
            throw new CofferError('guards.sensitive_field', {
              message: refusalMessage(finding, hint),
              details: { field: finding.field, kind: finding.kind, identifier: finding.identifier },
            });
          }
          return finding;
        },
      };
    },
  };
}
