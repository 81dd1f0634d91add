/**
 * Domain errors. Domain code throws `new CofferError('objects.no_such_key')`; only the protocol
 * edges (http/s3/errors.ts and friends) turn codes into wire error codes and statuses.
 * `message` is safe to show to a client: it must never carry secrets or user data values.
 */
export class CofferError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, options: { message?: string; cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CofferError';
    this.code = code;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }
}

export function isCofferError(e: unknown, code?: string): e is CofferError {
  return e instanceof CofferError && (code === undefined || e.code === code);
}
