/**
 * Canary test: known secrets and personal data go in through every request path we can reach
 * (canaries.ts: headers, query strings, metadata, tags, names, bodies, bad signatures, presigned
 * URLs, SSE-C keys, IAM names, passwords, access keys, MFA seeds and codes); none may come back
 * out in the server's logs (at debug level), its audit trail (decrypted), or any error response.
 * Access key ids may appear (AWS records them too).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startCoffer, type Coffer } from '../harness.js';
import { CANARIES, CANARY_CODES, CANARY_PATHS, type CanaryContext } from './canaries.js';
import { auditEvents, iamAction, presignGet, raw, type RawResponse } from './support.js';

/** Where a canary was found, without printing it. */
function leaks(haystack: string, needles: ReadonlyArray<{ name: string; value: string }>): string[] {
  const out: string[] = [];
  for (const n of needles) {
    const forms = new Set([n.value, encodeURIComponent(n.value), n.value.replace(/ /g, '')]);
    for (const f of forms) if (f.length >= 6 && haystack.includes(f)) out.push(n.name);
  }
  return [...new Set(out)];
}

describe('canary secrets and personal data never leak', () => {
  let coffer: Coffer;
  const errors: Array<{ path: string; status: number; body: string; headers: string }> = [];
  const handedOut: Array<{ name: string; value: string }> = [];
  const covered: string[] = [];
  let current = '';

  before(async () => {
    coffer = await startCoffer({ env: { COFFER_LOG_LEVEL: 'debug' } });
    const ctx: CanaryContext = {
      coffer,
      canaries: CANARIES,
      bucket: 'canary-bucket',
      async request(r) {
        const res: RawResponse = await raw(coffer, r);
        if (res.status >= 400) errors.push({ path: current, status: res.status, body: res.body, headers: JSON.stringify(res.headers) });
        return res;
      },
      async iam(action, params, credentials) {
        const res = await iamAction(coffer, action, params, credentials);
        if (res.status >= 400) errors.push({ path: current, status: res.status, body: res.body, headers: JSON.stringify(res.headers) });
        return res;
      },
      secret(value) {
        if (value) handedOut.push({ name: `value handed out or signed in "${current}"`, value });
      },
      presign: (path) => presignGet(coffer, path),
    };
    assert.equal((await raw(coffer, { method: 'PUT', path: '/canary-bucket' })).status, 200);
    for (const p of CANARY_PATHS) {
      current = `${p.service}: ${p.name}`;
      await p.run(ctx);
      covered.push(current);
    }
    await coffer.stop();
  });
  after(async () => coffer.dispose());

  it('exercised every path, and the refusals and failures actually happened', () => {
    assert.equal(covered.length, CANARY_PATHS.length);
    const codes = new Set(errors.map((e) => /<Code>([^<]+)<\/Code>/.exec(e.body)?.[1] ?? String(e.status)));
    for (const c of ['InvalidArgument', 'SignatureDoesNotMatch', 'ValidationError', 'MalformedXML']) assert.ok(codes.has(c), `some request failed with ${c}: ${[...codes].join(',')}`);
    for (const path of ['IAM secrets', 'sts: ', 'kms: ']) assert.ok(handedOut.some((h) => h.name.includes(path)), `the ${path} path registered the secrets it was handed (the calls succeeded)`);
  });

  it('leaves no canary in the server log (stdout and stderr, debug level)', () => {
    const log = coffer.stdout() + coffer.stderr();
    assert.ok(log.includes('"msg":"request"'), 'the access log was written');
    assert.deepEqual(leaks(log, [...CANARIES, ...handedOut]), []);
    for (const code of CANARY_CODES) assert.doesNotMatch(log, new RegExp(`(?<![0-9A-Fa-f])${code}(?![0-9A-Fa-f])`), 'an MFA code in the log');
    assert.match(log, new RegExp(coffer.accessKeyId), 'access key ids may appear');
  });

  it('leaves no canary in the audit trail', async () => {
    const events = await auditEvents(coffer);
    assert.ok(events.length > 50, `requests were audited (${events.length})`);
    const text = JSON.stringify(events);
    // Name the event and the field of each leak (never the value), so a failure says where to look.
    const where: string[] = [];
    const walk = (v: unknown, path: string, eventName: string): void => {
      if (typeof v === 'string') {
        for (const n of leaks(v, [...CANARIES, ...handedOut])) where.push(`${n} in ${eventName} ${path}`);
      } else if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          for (const n of leaks(k, [...CANARIES, ...handedOut])) where.push(`${n} in ${eventName} ${path}.<name>`);
          walk(x, `${path}.${k}`, eventName);
        }
      }
    };
    for (const e of events) walk(e.event, '$', e.event.eventName);
    assert.deepEqual([...new Set(where)], []);
    assert.deepEqual(leaks(text, [...CANARIES, ...handedOut]), []);
    for (const code of CANARY_CODES) assert.doesNotMatch(text, new RegExp(`(?<![0-9A-Za-z])${code}(?![0-9A-Za-z])`), 'an MFA code in the trail');
  });

  it('echoes no canary in any error response', () => {
    assert.ok(errors.length > 20);
    const found = errors.flatMap((e) => leaks(e.body + e.headers, [...CANARIES, ...handedOut]).map((n) => `${n} in a ${e.status} response of ${e.path}`));
    assert.deepEqual(found, []);
  });
});
