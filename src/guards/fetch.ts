/**
 * The outbound HTTP client: fetch() that checks the URL again at call time (a URL that was
 * safe when configured may have been edited since, or be built from parts), refuses redirects
 * to unsafe URLs, and never puts the URL in its errors.
 *
 *   guardedFetch(url, init, opts):
 *     assertSafeUrl(url)                          -> guards.unsafe_url
 *     loop (at most maxRedirects):
 *       res = fetch(url, { ...init, redirect: 'manual' })
 *       3xx with Location -> url = resolve(Location); assertSafeUrl(url); follow (GET for 303)
 *       else return res
 */
import { CofferError } from '../shared/index.js';
import { assertSafeUrl, type SafeUrlOptions } from './url.js';

export interface GuardedFetchOptions extends SafeUrlOptions {
  /** Redirects followed, each re-checked (default 3; 0 refuses redirects). */
  maxRedirects?: number;
  /** The fetch implementation (default globalThis.fetch). */
  fetch?: typeof globalThis.fetch;
}

/** fetch() for outbound calls to configured or user-supplied URLs; see the file comment. */
export async function guardedFetch(url: string | URL, init: RequestInit = {}, opts: GuardedFetchOptions = {}): Promise<Response> {
  const doFetch = opts.fetch ?? globalThis.fetch;
  const max = opts.maxRedirects ?? 3;
  let current = assertSafeUrl(url, opts);
  let request: RequestInit = { ...init, redirect: 'manual' };
  for (let hop = 0; ; hop++) {
    let res: Response;
    try {
      res = await doFetch(current, request);
    } catch (cause) {
      // The cause may quote the URL: keep it as cause (for the log), out of the message.
      throw new CofferError('guards.outbound_failed', { message: `${opts.what ?? 'the outbound request'} failed: ${(cause as Error)?.name ?? 'error'}`, cause });
    }
    const location = res.status >= 300 && res.status < 400 ? res.headers.get('location') : null;
    if (location === null) return res;
    await res.body?.cancel().catch(() => undefined);
    if (hop >= max) throw new CofferError('guards.unsafe_url', { message: `${opts.what ?? 'the URL'} redirected too many times.`, details: { reason: 'redirects' } });
    current = assertSafeUrl(new URL(location, current), { ...opts, what: `a redirect from ${opts.what ?? 'the URL'}` });
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && (request.method ?? 'GET').toUpperCase() === 'POST')) {
      const { body: _body, ...rest } = request;
      request = { ...rest, method: 'GET' };
    }
  }
}
