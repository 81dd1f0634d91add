/**
 * What the guards add to a request's audit event: the findings (field, kind, identifier and the
 * action taken; never the value) and the exact strings the trail must hide (flagged spans of
 * names and values, which the trail's redaction then replaces wherever they appear).
 */
import { findSensitiveLoose } from './detectors.js';
import type { GuardSession, RecordedFinding } from './free-form.js';

export interface GuardAuditFields {
  /** For additionalEventData.guardFindings; empty when nothing was found. */
  findings: RecordedFinding[];
  /** Pass to trail.record(event, { secrets }). Never render these. */
  secrets: string[];
}

/**
 * Flagged spans in strings that are recorded verbatim (bucket names, object keys of reads,
 * error messages), so the trail hides them even when no guard ran (GetObject of such a key).
 */
export function sensitiveIn(values: ReadonlyArray<string | null | undefined>): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (!v) continue;
    for (const s of findSensitiveLoose(v)) if (!out.includes(s.text)) out.push(s.text);
  }
  return out;
}

/**
 * `sensitiveIn` over every string in a JSON-like value (request parameters of any API), up to
 * `maxStrings` strings, so a service's audit record hides flagged data wherever it put it.
 */
export function sensitiveInTree(value: unknown, maxStrings = 2000): string[] {
  const strings: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (strings.length >= maxStrings || depth > 16) return;
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) { strings.push(k); walk(x, depth + 1); }
  };
  walk(value, 0);
  return sensitiveIn(strings);
}

/** Audit additions for a request: its session's findings and everything to hide. */
export function guardAuditFields(session: GuardSession | null | undefined, recorded: ReadonlyArray<string | null | undefined> = []): GuardAuditFields {
  const secrets = sensitiveIn(recorded);
  for (const s of session?.sensitive ?? []) if (!secrets.includes(s)) secrets.push(s);
  return { findings: [...(session?.findings ?? [])], secrets };
}
