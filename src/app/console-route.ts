/**
 * Console sign-in for the coming web console: user name + password + TOTP code gives a
 * short-lived session cookie backed by an STS session with MFA context, so everything the
 * console later does is an ordinary MFA-authenticated session request.
 *
 *   POST /_console/signin  {"userName","password","mfaCode"}   (JSON, at most 4 KiB)
 *     rate limit (source address and user name) -> password (scrypt, dummy hash for unknown
 *     users) -> the user's enabled MFA device and code (replay and lockout rules of src/mfa)
 *     -> STS session of 1 hour with MFA context -> Set-Cookie coffer-console=<key id>.<token>
 *        HttpOnly; Secure; SameSite=Strict; Path=/_console; Max-Age=3600
 *   GET  /_console/session  -> who the cookie is (the STS resolver checks token, expiry, revocation)
 *   POST /_console/signout  -> clears the cookie
 *
 * Every sign-in, success or failure, is a durable ConsoleLogin event before the reply (no
 * password, code or cookie in it). Users without an enabled MFA device cannot sign in: MFA on
 * every account. Paths start with '_', which no bucket name can, so S3 is never shadowed.
 * Responses carry HSTS and no-store.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Logger } from 'pino';
import { z } from 'zod';
import { buildServiceEvent, type AuditTrail } from '../audit/index.js';
import { newRequestId } from '../http/s3/handle.js';
import { callerForUser, type IamStore } from '../iam/store/index.js';
import { getSessionToken } from '../sts/index.js';
import type { Clock } from '../shared/index.js';
import type { FindSecret } from '../sts/index.js';

export const CONSOLE_PREFIX = '/_console/';
const COOKIE = 'coffer-console';
const SESSION_SECONDS = 3600;
const MAX_BODY = 4096;
/** Failures allowed before back-off starts, per source address and per user name. */
const FREE_FAILURES = 5;
const MAX_BACKOFF_MS = 15 * 60_000;
const TRACKED = 10_000;

const signInBody = z.strictObject({
  userName: z.string().min(1).max(64),
  password: z.string().min(1).max(128),
  mfaCode: z.string().regex(/^\d{6}$/),
});

/** Consecutive failures with exponential back-off; bounded memory (oldest entries dropped). */
class FailureLimiter {
  readonly #entries = new Map<string, { failures: number; untilMs: number }>();
  blockedUntil(key: string, nowMs: number): number | null {
    const e = this.#entries.get(key);
    return e && e.untilMs > nowMs ? e.untilMs : null;
  }
  fail(key: string, nowMs: number): void {
    const e = this.#entries.get(key) ?? { failures: 0, untilMs: 0 };
    e.failures++;
    if (e.failures >= FREE_FAILURES) e.untilMs = nowMs + Math.min(MAX_BACKOFF_MS, 1000 * 2 ** (e.failures - FREE_FAILURES));
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (this.#entries.size > TRACKED) this.#entries.delete(this.#entries.keys().next().value!);
  }
  succeed(key: string): void {
    this.#entries.delete(key);
  }
}

export interface ConsoleRouteDeps {
  store: IamStore;
  findSecret: FindSecret;
  clock: Clock;
  accountId: string;
  region: string;
  trail: AuditTrail | null;
  logger: Logger;
  /** False only with --insecure-http: the cookie then lacks Secure (browsers drop it otherwise). */
  secureCookies: boolean;
}

export function createConsoleRoute(deps: ConsoleRouteDeps) {
  const limiter = new FailureLimiter();
  const cookieAttrs = `HttpOnly;${deps.secureCookies ? ' Secure;' : ''} SameSite=Strict; Path=/_console`;

  const reply = (res: ServerResponse, requestId: string, status: number, body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
      'cache-control': 'no-store',
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-amzn-requestid': requestId,
      ...extra,
    });
    res.end(text);
  };

  const record = async (req: IncomingMessage, secure: boolean, requestId: string, r: { userName?: string; arn?: string; principalId?: string; ok: boolean; mfaUsed: boolean; reason?: string }) => {
    if (!deps.trail) return;
    const socket = req.socket as Partial<TLSSocket>;
    const tls = secure && typeof socket.getProtocol === 'function' ? { version: socket.getProtocol() ?? undefined, cipher: socket.getCipher?.()?.standardName } : undefined;
    const ua = req.headers['user-agent'];
    const event = buildServiceEvent(
      {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        eventType: 'AwsConsoleSignIn',
        // As CloudTrail does for names that are not users: never record what was typed.
        principal: r.arn
          ? { type: 'IAMUser', principalId: r.principalId!, arn: r.arn, accountId: deps.accountId, userName: r.userName! }
          : { type: 'IAMUser', accountId: deps.accountId, userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        sourceIp: req.socket?.remoteAddress ?? '0.0.0.0',
        ...(ua !== undefined ? { userAgent: ua } : {}),
        ...(tls ? { tls } : {}),
        ...(req.headers.host !== undefined ? { host: req.headers.host } : {}),
        requestParameters: null,
        responseElements: { ConsoleLogin: r.ok ? 'Success' : 'Failure' },
        additionalEventData: { LoginTo: '/_console/', MobileVersion: 'No', MFAUsed: r.mfaUsed ? 'Yes' : 'No', ...(r.reason ? { reason: r.reason } : {}) },
        ...(r.ok ? {} : { errorMessage: 'Failed authentication' }),
        requestId,
        readOnly: false,
      },
      { accountId: deps.accountId, region: deps.region, clock: deps.clock },
    );
    await deps.trail.record(event);
  };

  const readBody = async (req: IncomingMessage): Promise<string | null> => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req) {
      size += (c as Buffer).length;
      if (size > MAX_BODY) return null;
      chunks.push(c as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  };

  const cookieOf = (req: IncomingMessage): { accessKeyId: string; sessionToken: string } | null => {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [name, ...rest] = part.trim().split('=');
      if (name !== COOKIE) continue;
      const [accessKeyId, sessionToken] = rest.join('=').split('.');
      if (accessKeyId && sessionToken && /^ASIA[A-Z0-9]{12,124}$/.test(accessKeyId)) return { accessKeyId, sessionToken };
    }
    return null;
  };

  async function signIn(req: IncomingMessage, res: ServerResponse, secure: boolean, requestId: string): Promise<void> {
    const text = await readBody(req);
    if (text === null) return reply(res, requestId, 413, { error: 'RequestTooLarge', message: 'The sign-in request is too large.' }, { connection: 'close' });
    let input: z.infer<typeof signInBody>;
    try {
      input = signInBody.parse(JSON.parse(text));
    } catch {
      return reply(res, requestId, 400, { error: 'ValidationError', message: 'Send JSON {"userName", "password", "mfaCode"} with the 6-digit code of your MFA device.' });
    }
    const now = deps.clock.now();
    const source = `ip:${req.socket?.remoteAddress ?? ''}`;
    const account = `user:${input.userName}`;
    const blocked = Math.max(limiter.blockedUntil(source, now) ?? 0, limiter.blockedUntil(account, now) ?? 0);
    const failed = async (status: number, message: string, reason: string, user?: { arn: string; id: string; name: string }) => {
      limiter.fail(source, now);
      limiter.fail(account, now);
      await record(req, secure, requestId, { ok: false, mfaUsed: false, reason, ...(user ? { userName: user.name, arn: user.arn, principalId: user.id } : {}) });
      reply(res, requestId, status, { error: status === 429 ? 'Throttling' : 'AuthenticationFailed', message });
    };
    if (blocked > 0) {
      await record(req, secure, requestId, { ok: false, mfaUsed: false, reason: 'rate limited' });
      return reply(res, requestId, 429, { error: 'Throttling', message: `Too many failed sign-in attempts; try again after ${new Date(blocked).toISOString()}.` }, { 'retry-after': String(Math.ceil((blocked - now) / 1000)) });
    }
    // One message for every credential failure, so names cannot be probed.
    const generic = 'Your user name, password or MFA code is incorrect.';
    const passwordOk = await deps.store.checkPassword(input.userName, input.password);
    if (!passwordOk) return failed(401, generic, 'password');
    const user = await deps.store.getUser(input.userName);
    const who = { arn: user.arn, id: user.userId, name: user.userName };
    const device = (await deps.store.mfa.listMfaDevices(input.userName))[0];
    if (!device) {
      return failed(403, 'Console sign-in needs MFA: enroll a virtual MFA device first (aws iam create-virtual-mfa-device, then aws iam enable-mfa-device with two consecutive codes).', 'no MFA device', who);
    }
    const caller = await callerForUser(deps.store, user, 'console');
    let session;
    try {
      session = await getSessionToken({ store: deps.store, clock: deps.clock, accountId: deps.accountId }, caller, { durationSeconds: SESSION_SECONDS, serialNumber: device.serialNumber, tokenCode: input.mfaCode });
    } catch {
      return failed(401, generic, 'MFA code', who);
    }
    limiter.succeed(source);
    limiter.succeed(account);
    await record(req, secure, requestId, { ok: true, mfaUsed: true, userName: user.userName, arn: user.arn, principalId: user.userId });
    const value = `${session.credentials.accessKeyId}.${session.credentials.sessionToken}`;
    reply(res, requestId, 200, { userName: user.userName, arn: user.arn, expiration: new Date(session.expiresMs).toISOString() }, {
      'set-cookie': `${COOKIE}=${value}; ${cookieAttrs}; Max-Age=${SESSION_SECONDS}`,
    });
  }

  async function whoAmI(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const c = cookieOf(req);
    const found = c ? await deps.findSecret(c.accessKeyId, { sessionToken: c.sessionToken }).catch(() => null) : null;
    if (!found) return reply(res, requestId, 401, { error: 'NotSignedIn', message: 'Sign in with POST /_console/signin.' });
    const p = found.principal as { arn: string; userName?: string; session?: { expiresMs: number; mfaAuthenticated: boolean } };
    reply(res, requestId, 200, { userName: p.userName ?? null, arn: p.arn, mfaAuthenticated: p.session?.mfaAuthenticated ?? false, expiration: p.session ? new Date(p.session.expiresMs).toISOString() : null });
  }

  return async (req: IncomingMessage, res: ServerResponse, secure: boolean): Promise<void> => {
    const requestId = newRequestId();
    const path = (req.url ?? '').split('?')[0];
    try {
      if (path === '/_console/signin' && req.method === 'POST') return await signIn(req, res, secure, requestId);
      if (path === '/_console/session' && req.method === 'GET') return await whoAmI(req, res, requestId);
      if (path === '/_console/signout' && req.method === 'POST') {
        return reply(res, requestId, 200, { signedOut: true }, { 'set-cookie': `${COOKIE}=; ${cookieAttrs}; Max-Age=0` });
      }
      reply(res, requestId, 404, { error: 'NotFound', message: 'Console endpoints: POST /_console/signin, GET /_console/session, POST /_console/signout.' });
    } catch (err) {
      deps.logger.error({ requestId, err: err instanceof Error ? err.message : String(err) }, 'console request failed');
      if (!res.headersSent) reply(res, requestId, (err as { code?: string }).code === 'audit.unavailable' ? 503 : 500, { error: 'InternalError', message: `The request failed (request ${requestId}).` });
    }
  };
}
