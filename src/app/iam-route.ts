/**
 * The IAM endpoint on the shared listener: requests whose SigV4 credential scope names the
 * service `iam` (POST / with a form body, as `aws iam --endpoint-url` sends) go here; all
 * others are S3. The body is bounded, buffered and its hash verified with the signature.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../shared/index.js';
import { verifyRequest, type VerifyOptions } from '../auth/index.js';
import { callerConditionKeys } from './request-keys.js';
import type { IamCaller } from '../iam/store/index.js';
import { createIamHandler, toIamError, type IamHandlerDeps } from '../http/iam/index.js';
import { newRequestId } from '../http/s3/handle.js';

const MAX_BODY = 128 * 1024;

/** The service named in the request's credential scope, without verifying anything. */
export function scopeOf(req: IncomingMessage): { region: string; service: string } | null {
  const auth = req.headers.authorization;
  let cred: string | undefined;
  if (auth) cred = /Credential=([^,\s]+)/.exec(auth)?.[1];
  else {
    const q = (req.url ?? '').split('?')[1];
    if (q) cred = new URLSearchParams(q).get('X-Amz-Credential') ?? undefined;
  }
  const parts = cred?.split('/');
  if (!parts || parts.length < 5) return null;
  return { region: parts[2]!, service: parts[3]! };
}

function errorXml(code: string, type: string, message: string, requestId: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
}

const AUTH_ERRORS: Record<string, [number, string]> = {
  'auth.invalid_access_key': [403, 'InvalidClientTokenId'],
  'auth.signature_mismatch': [403, 'SignatureDoesNotMatch'],
  'auth.time_skewed': [400, 'RequestExpired'],
  'auth.expired': [400, 'RequestExpired'],
  'auth.missing': [403, 'MissingAuthenticationToken'],
  'auth.malformed': [400, 'IncompleteSignature'],
};

export function createIamRoute(deps: {
  handler: IamHandlerDeps;
  findSecret: VerifyOptions['findSecret'];
  clock: Clock;
  regions: readonly string[];
  logger: Logger;
}) {
  const handle = createIamHandler(deps.handler);
  return async (req: IncomingMessage, res: ServerResponse, secureTransport: boolean): Promise<void> => {
    const requestId = newRequestId();
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    try {
      if (req.method !== 'POST') return reply(405, errorXml('InvalidAction', 'Sender', 'IAM requests are POST requests with a form body.', requestId));
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_BODY) {
          res.setHeader('connection', 'close');
          return reply(413, errorXml('ValidationError', 'Sender', 'The request body is too large.', requestId));
        }
        chunks.push(c as Buffer);
      }
      const body = Buffer.concat(chunks);
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const scope = scopeOf(req);
      // The AWS CLI signs IAM with its configured region; accept the server's regions.
      const region = scope && deps.regions.includes(scope.region) ? scope.region : deps.regions[0]!;
      const auth = await verifyRequest(
        { method: 'POST', rawPath: q >= 0 ? url.slice(0, q) : url, rawQuery: q >= 0 ? url.slice(q + 1) : '', headers: req.headersDistinct },
        { findSecret: deps.findSecret, region, service: 'iam', clock: deps.clock, requireContentSha256: false, bodySha256: createHash('sha256').update(body).digest('hex') },
      );
      const caller = auth.principal as IamCaller;
      const r = await handle({ auth, body, requestId, conditionKeys: callerConditionKeys(caller, req, { secureTransport, nowMs: deps.clock.now(), region }) });
      res.writeHead(r.status, { ...r.headers, 'x-amzn-requestid': requestId });
      res.end(r.body);
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const mapped = AUTH_ERRORS[code];
      if (mapped) return reply(mapped[0], errorXml(mapped[1], 'Sender', (err as Error).message, requestId));
      const e = toIamError(err);
      if (e.internal) deps.logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, 'IAM request failed');
      reply(e.status, errorXml(e.code, e.type, e.message, requestId));
    }
  };
}
