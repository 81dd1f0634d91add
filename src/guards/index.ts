/**
 * Guards: no personal data in free-form fields, no secrets in diagnostic logs, no credentials in
 * URLs. Pure functions plus a logger factory; every API applies them at its edge.
 *
 *   const guard = createFieldGuard({ mode: config.guards.freeFormFields });
 *   const g = guard.session();                         // per request
 *   g.check('x-amz-meta-name', value, { value: true }); // reject: throws guards.sensitive_field
 *   audit: g.findings (no values), hide g.sensitive wherever the request is recorded
 *
 *   assertSafeUrl(url, { allowLoopbackHttp: config.insecureHttp, what: 'the webhook URL' });
 *   await guardedFetch(url, init, { allowLoopbackHttp });
 *
 *   const logger = createGuardedLogger({ level });    // redacts every line
 *   logAccess(logger, { requestId, service, operation, principal, status, latencyMs });
 */

/**
 * `checkFreeFormField(field, value, opts?)` -> null | { field, kind, label, identifier }: the
 * stateless check. `createFieldGuard({ mode, hint?, onFinding? })` -> FieldGuard whose
 * `session()` checks a request's fields, throws `guards.sensitive_field` in reject mode (map it
 * to your API's validation error) and records findings (`findings`, `sensitive`) in warn mode.
 */
export {
  checkFreeFormField, createFieldGuard, refusalMessage, FREE_FORM_MODES, S3_HINT, IAM_HINT,
  type FreeFormMode, type FieldFinding, type RecordedFinding, type CheckOptions, type GuardSession, type FieldGuard,
  type FieldGuardOptions, type GuardCounters,
} from './free-form.js';
/** The high-precision detector subset and `findSensitive(text, context?)` (spans carry raw text: never log them). */
export { GUARD_IDENTIFIERS, findSensitive, findSensitiveLoose, isSecretKeyShaped, type SensitiveKind, type SensitiveSpan } from './detectors.js';
/**
 * `assertSafeUrl(url, { allowLoopbackHttp?, what? })` -> URL, or throws `guards.unsafe_url`
 * (userinfo, credential-like query parameter, non-HTTPS; http only for loopback when allowed).
 */
export { assertSafeUrl, unsafeUrlReason, isCredentialParam, isLoopbackHost, type SafeUrlOptions } from './url.js';
/** `guardedFetch(url, init?, opts?)`: fetch that re-checks the URL (and every redirect) at call time. */
export { guardedFetch, type GuardedFetchOptions } from './fetch.js';
/** Log redaction: `redactString`, `redactValue`, `redactKnown`, `redactFlagged` (detector spans only), `isSecretName`. */
export { redactString, redactValue, redactKnown, redactFlagged, isSecretName, REDACTED } from './redact.js';
/** `createGuardedLogger({ level, destination? })` and the per-request access line `logAccess`. */
export { createGuardedLogger, logAccess, type GuardedLoggerOptions, type AccessLogEntry } from './logger.js';
/** Per-request audit additions: findings for the event and the strings to hide in it. */
export { guardAuditFields, sensitiveIn, sensitiveInTree, type GuardAuditFields } from './audit.js';
