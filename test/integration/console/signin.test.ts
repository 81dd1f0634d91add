/**
 * Console sign-in: password + code of the user's MFA device give an HttpOnly, Secure,
 * SameSite=Strict cookie backed by an MFA STS session; wrong passwords and codes fail with one
 * message, repeated failures are throttled, a user without MFA is told to enroll, and every
 * attempt is a ConsoleLogin event without the password or code.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import https from 'node:https';
import { join } from 'node:path';
import { CreateLoginProfileCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { readAuditEvents } from '../../../src/audit/index.js';
import { loadMasterKeyFile } from '../../../src/crypto/index.js';
import { base32Decode, hotp, timeStep } from '../../../src/mfa/index.js';
import { startCoffer, type Coffer } from '../harness.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

describe('console sign-in', () => {
  let coffer: Coffer;
  let seed: Buffer;
  let step = 0;
  const password = 'Sign-In-Pass-2026!';

  const call = (method: string, path: string, body?: unknown, cookie?: string) =>
    new Promise<Reply>((resolve, reject) => {
      const data = body === undefined ? '' : JSON.stringify(body);
      const req = https.request({ host: 'localhost', port: coffer.port, method, path, ca: coffer.ca, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(cookie ? { cookie } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null }));
      });
      req.on('error', reject);
      req.end(data);
    });

  /** A code of a later step than any used before, never ahead of the server's window. */
  const nextCode = () => {
    step = Math.max(step + 1, timeStep(Date.now()));
    assert.ok(step <= timeStep(Date.now()) + 1, 'the test ran out of fresh steps');
    return hotp(seed, step);
  };

  before(async () => {
    coffer = await startCoffer();
    const iam = new IAMClient({ endpoint: coffer.endpoint, region: 'us-east-1', credentials: { accessKeyId: coffer.accessKeyId, secretAccessKey: coffer.secretAccessKey }, requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: coffer.ca }) }) });
    for (const name of ['alice', 'nomfa']) {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: password }));
    }
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'alice-phone' }));
    seed = base32Decode(Buffer.from(device.VirtualMFADevice!.Base32StringSeed!).toString('utf8'));
    step = timeStep(Date.now()) - 2;
    const c1 = hotp(seed, step);
    const c2 = hotp(seed, step + 1);
    step += 1;
    await iam.send(new EnableMFADeviceCommand({ UserName: 'alice', SerialNumber: device.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: c1, AuthenticationCode2: c2 }));
  });
  after(async () => {
    await coffer?.dispose();
  });

  it('signs in with password and MFA code and sets a hardened session cookie', async () => {
    const r = await call('POST', '/_console/signin', { userName: 'alice', password, mfaCode: nextCode() });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.userName, 'alice');
    const cookie = String(r.headers['set-cookie']);
    assert.match(cookie, /^coffer-console=ASIA[A-Z0-9]+\.[^;]+;/);
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/_console', 'Max-Age=3600']) assert.ok(cookie.includes(attr), `cookie has ${attr}`);
    assert.match(String(r.headers['strict-transport-security']), /max-age=\d+/);
    const who = await call('GET', '/_console/session', undefined, cookie.split(';')[0]);
    assert.equal(who.status, 200);
    assert.equal(who.body.mfaAuthenticated, true);
    assert.match(who.body.arn, /:user\/alice$/);
    const anon = await call('GET', '/_console/session');
    assert.equal(anon.status, 401);
  });

  it('refuses a wrong password, a wrong code and a user without MFA, with one message for credentials', async () => {
    const badPassword = await call('POST', '/_console/signin', { userName: 'alice', password: 'Not-The-Password-1', mfaCode: nextCode() });
    const badCode = await call('POST', '/_console/signin', { userName: 'alice', password, mfaCode: hotp(seed, timeStep(Date.now()) + 20) });
    const noUser = await call('POST', '/_console/signin', { userName: 'nobody', password, mfaCode: '123456' });
    for (const r of [badPassword, badCode, noUser]) {
      assert.equal(r.status, 401);
      assert.equal(r.body.message, 'Your user name, password or MFA code is incorrect.');
      assert.equal(r.headers['set-cookie'], undefined);
    }
    const noMfa = await call('POST', '/_console/signin', { userName: 'nomfa', password, mfaCode: '123456' });
    assert.equal(noMfa.status, 403);
    assert.match(noMfa.body.message, /enable-mfa-device/);
  });

  it('throttles repeated failures from one source and audits every attempt without secrets', async () => {
    let throttled: Reply | null = null;
    for (let i = 0; i < 8 && !throttled; i++) {
      const r = await call('POST', '/_console/signin', { userName: 'alice', password: `Wrong-Password-${i}`, mfaCode: '000000' });
      if (r.status === 429) throttled = r;
    }
    assert.ok(throttled, 'failures are throttled');
    assert.ok(Number(throttled.headers['retry-after']) >= 1);
    await coffer.stop();
    const { key } = await loadMasterKeyFile(join(coffer.dataDir, 'master.key'));
    const events = [];
    for await (const e of readAuditEvents(join(coffer.dataDir, 'audit'), key)) if (e.event.eventName === 'ConsoleLogin') events.push(e.event);
    assert.ok(events.some((e) => e.responseElements?.ConsoleLogin === 'Success' && e.userIdentity.userName === 'alice' && e.additionalEventData?.MFAUsed === 'Yes'));
    assert.ok(events.filter((e) => e.responseElements?.ConsoleLogin === 'Failure').length >= 6);
    assert.ok(events.every((e) => e.eventType === 'AwsConsoleSignIn' && e.eventSource === 'signin.amazonaws.com'));
    assert.ok(events.some((e) => e.userIdentity.userName === 'HIDDEN_DUE_TO_SECURITY_REASONS'), 'an unknown name is not recorded');
    const text = JSON.stringify(events);
    for (const s of [password, 'Not-The-Password-1', 'Wrong-Password-0', 'nobody']) assert.ok(!text.includes(s), 'nothing typed is in the trail');
  });
});
