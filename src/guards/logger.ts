/**
 * The guarded diagnostic logger: pino writing JSON lines with a stable schema, every line passed
 * through the redaction of redact.ts (secret-named properties, secret shapes in strings, and
 * spans the high-precision detectors flag), and one access line per request.
 *
 *   line   = { time (ISO 8601), level (label), svc, msg, ...fields }        -- every line
 *   access = line + { requestId, service, operation, principal, status, latencyMs, errorCode? }
 *
 *   write(obj, msg): formatters.log = redactValue(obj) (secret names at any depth, secret shapes and
 *                    flagged spans in strings) -> hooks.logMethod: messages through redactString
 *   (pino's own redact paths are not used: redactValue covers them by name, and they cost ~15 us a line)
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { redactString, redactValue } from './redact.js';

export interface GuardedLoggerOptions {
  level: string;
  /** Where lines go; default stderr (fd 2), keeping stdout for what the operator asked for. */
  destination?: DestinationStream;
  /** Fields on every line; default { svc: 'coffer' }. */
  base?: Record<string, unknown>;
}

/** The one logger factory of the server (src/app/start.ts). */
export function createGuardedLogger(opts: GuardedLoggerOptions): Logger {
  return pino(
    {
      level: opts.level,
      base: opts.base ?? { svc: 'coffer' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: {
        level: (label) => ({ level: label }),
        log: (obj) => redactValue(obj) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactString(a) : a)) as Parameters<typeof method>;
          method.apply(this, clean);
        },
      },
    },
    opts.destination ?? pino.destination(2),
  );
}

/** The access-log fields of one request (the stable schema; no values from the request). */
export interface AccessLogEntry {
  requestId: string;
  /** 's3', 'iam', 'sts', ... */
  service: string;
  /** Operation or action name, e.g. PutObject, CreateUser; 'Unknown' when not resolved. */
  operation: string;
  /** Principal ARN (or access key id when authentication failed, or 'anonymous'). */
  principal: string | null;
  status: number;
  latencyMs: number;
  /** Wire error code when the request failed. */
  errorCode?: string | null;
  /** Number of free-form field guard findings (warn mode) in this request. */
  guardFindings?: number;
}

/** Writes the one access line of a request at info level (`msg: "request"`). */
export function logAccess(logger: Logger, e: AccessLogEntry): void {
  logger.info(
    {
      requestId: e.requestId,
      service: e.service,
      operation: e.operation,
      principal: e.principal,
      status: e.status,
      latencyMs: Math.round(e.latencyMs * 10) / 10,
      ...(e.errorCode ? { errorCode: e.errorCode } : {}),
      ...(e.guardFindings ? { guardFindings: e.guardFindings } : {}),
    },
    'request',
  );
}
