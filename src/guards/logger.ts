/**
 * The guarded diagnostic logger: pino writing JSON lines with a stable schema, every line passed
 * through the redaction of redact.ts (secret-named properties, secret shapes in strings, and
 * spans the high-precision detectors flag), and one access line per request.
 *
 *   line   = { time (ISO 8601), level (label), svc, msg, ...fields }        -- every line
 *   access = line + { requestId, service, operation, principal, status, latencyMs, errorCode? }
 *
 *   write(obj, msg): pino redact paths (cheap, by name) -> formatters.log = redactValue(obj)
 *                    -> hooks.logMethod: string arguments (messages) through redactString
 */
import pino, { type DestinationStream, type Logger } from 'pino';
import { REDACTED, redactString, redactValue } from './redact.js';

/** Paths pino removes before anything else (request objects some libraries log whole). */
const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-amz-security-token"]',
  'req.headers["x-amz-server-side-encryption-customer-key"]', 'req.headers["x-amz-copy-source-server-side-encryption-customer-key"]',
  'res.headers["set-cookie"]', 'headers.authorization', 'headers.cookie', '*.authorization', '*.cookie',
  '*.secretAccessKey', '*.SecretAccessKey', '*.password', '*.Password', '*.sessionToken', '*.SessionToken',
];

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
      redact: { paths: REDACT_PATHS, censor: REDACTED },
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
