/**
 * The IAM API as @aws-sdk/client-iam and the AWS CLI see it: a loopback HTTP server that
 * verifies SigV4 (service 'iam') and hands the form body to the handler, as the real server does.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUsersCommand,
  NoSuchEntityException,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { verifyRequest } from '../../auth/index.js';
import { MasterKey } from '../../crypto/index.js';
import { createAccessKeyResolver, openSqliteIamStore, provisionAdminUser, type IamStore } from '../../iam/store/index.js';
import { systemClock } from '../../shared/index.js';
import { createIamHandler } from './handler.js';
import { ACCOUNT, ADMIN } from './testing.js';

let dir: string;
let store: IamStore;
let server: Server;
let endpoint: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'coffer-iam-sdk-'));
  store = openSqliteIamStore({ path: join(dir, 'iam.db'), masterKey: MasterKey.generate(), accountId: ACCOUNT });
  await provisionAdminUser(store, { userName: 'admin', ...ADMIN, createdMs: Date.now() });
  const resolver = createAccessKeyResolver({ store, clock: systemClock });
  const handle = createIamHandler({ store, clock: systemClock, accountId: ACCOUNT });
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const auth = await verifyRequest(
        { method: req.method ?? 'POST', rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers: req.headersDistinct },
        { findSecret: resolver.findSecret, region: 'us-east-1', service: 'iam', clock: systemClock, requireContentSha256: false, bodySha256: createHash('sha256').update(body).digest('hex') },
      );
      const r = await handle({ auth, body, conditionKeys: { 'aws:SecureTransport': 'false' } });
      res.writeHead(r.status, r.headers).end(r.body);
    } catch {
      res.writeHead(403, { 'content-type': 'text/xml' }).end('<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>bad signature</Message></Error><RequestId>x</RequestId></ErrorResponse>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const client = (creds = ADMIN) => new IAMClient({ endpoint, region: 'us-east-1', credentials: creds, maxAttempts: 1 });

describe('@aws-sdk/client-iam against the IAM handler', () => {
  it('raises NoSuchEntityException for a missing user, then creates and reads one', async () => {
    const iam = client();
    await assert.rejects(iam.send(new GetUserCommand({ UserName: 'sdk-user' })), (e: unknown) => e instanceof NoSuchEntityException && e.$metadata.httpStatusCode === 404);
    const created = await iam.send(new CreateUserCommand({ UserName: 'sdk-user', Path: '/sdk/', Tags: [{ Key: 'team', Value: 'a' }] }));
    assert.equal(created.User?.Arn, `arn:aws:iam::${ACCOUNT}:user/sdk/sdk-user`);
    assert.ok(created.User?.CreateDate instanceof Date);
    assert.deepEqual(created.User?.Tags, [{ Key: 'team', Value: 'a' }]);
    const got = await iam.send(new GetUserCommand({ UserName: 'sdk-user' }));
    assert.equal(got.User?.UserId, created.User?.UserId);
  });

  it('denies a new user everything, then lets it act once a policy is attached', async () => {
    const iam = client();
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'sdk-user' }))).AccessKey;
    assert.ok(key?.AccessKeyId && key.SecretAccessKey);
    const user = client({ accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey });
    await assert.rejects(user.send(new ListUsersCommand({})), (e: unknown) => (e as { name?: string }).name === 'AccessDenied');
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' }] });
    const policy = await iam.send(new CreatePolicyCommand({ PolicyName: 'ListUsersOnly', PolicyDocument: doc }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'sdk-user', PolicyArn: policy.Policy?.Arn }));
    const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'sdk-user' }));
    assert.deepEqual(attached.AttachedPolicies, [{ PolicyName: 'ListUsersOnly', PolicyArn: policy.Policy?.Arn }]);
    const listed = await user.send(new ListUsersCommand({}));
    assert.ok(listed.Users?.some((u) => u.UserName === 'admin'));
  });

  it('rejects a malformed policy with MalformedPolicyDocument and returns a stored one URL-encoded', async () => {
    const iam = client();
    const bad = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:nope': 'x' } } }] });
    await assert.rejects(iam.send(new PutUserPolicyCommand({ UserName: 'sdk-user', PolicyName: 'Bad', PolicyDocument: bad })), (e: unknown) => (e as { name?: string }).name === 'MalformedPolicyDocumentException');
    const good = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }] });
    await iam.send(new PutUserPolicyCommand({ UserName: 'sdk-user', PolicyName: 'Read', PolicyDocument: good }));
    const got = await iam.send(new GetUserPolicyCommand({ UserName: 'sdk-user', PolicyName: 'Read' }));
    assert.equal(decodeURIComponent(got.PolicyDocument ?? ''), good);
  });

  it('pages through users with the SDK paginator', async () => {
    const iam = client();
    for (const n of ['p1', 'p2', 'p3']) await iam.send(new CreateUserCommand({ UserName: n }));
    const names: string[] = [];
    for await (const page of paginateListUsers({ client: iam, pageSize: 2 }, {})) names.push(...(page.Users ?? []).map((u) => u.UserName ?? ''));
    assert.deepEqual(names.filter((n) => n.startsWith('p')).sort(), ['p1', 'p2', 'p3']);
    assert.equal(new Set(names).size, names.length);
  });

  it('answers SimulateCustomPolicy with implicitDeny and allowed', async () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/team-a/*' }] });
    const r = await client().send(new SimulateCustomPolicyCommand({ PolicyInputList: [doc], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::bucket/team-b/x', 'arn:aws:s3:::bucket/team-a/x'] }));
    assert.deepEqual(r.EvaluationResults?.map((e) => e.EvalDecision), ['implicitDeny', 'allowed']);
  });
});

describe('AWS CLI against the IAM handler', () => {
  it('reports NoSuchEntity with a non-zero exit status, then lists users and decodes a policy', { timeout: 60_000 }, async () => {
    const run = promisify(execFile);
    const env = { ...process.env, AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_PAGER: '' };
    await assert.rejects(run('aws', ['iam', 'get-user', '--user-name', 'ghost', '--endpoint-url', endpoint], { env }), (e: unknown) => typeof (e as { code?: unknown }).code === 'number' && (e as { code: number }).code !== 0 && /NoSuchEntity/.test((e as { stderr: string }).stderr));
    const { stdout } = await run('aws', ['iam', 'list-users', '--endpoint-url', endpoint, '--output', 'json'], { env });
    const users = (JSON.parse(stdout) as { Users: Array<{ UserName: string }> }).Users.map((u) => u.UserName);
    assert.ok(users.includes('admin'));
    const { stdout: pol } = await run('aws', ['iam', 'get-user-policy', '--user-name', 'sdk-user', '--policy-name', 'Read', '--endpoint-url', endpoint, '--output', 'json'], { env });
    assert.equal((JSON.parse(pol) as { PolicyDocument: { Statement: Array<{ Action: string }> } }).PolicyDocument.Statement[0]?.Action, 's3:GetObject', 'the CLI decodes the URL-encoded document');
  });
});
