/**
 * The STS query API (awsQuery, version 2011-06-15): GetCallerIdentity, GetSessionToken,
 * AssumeRole. POST / with a form body; responses <OpResponse><OpResult>…</OpResult>
 * <ResponseMetadata/></OpResponse>, errors <ErrorResponse><Error><Type/><Code/><Message/>
 * </Error><RequestId/></ErrorResponse>. New secrets and tokens appear only in the one response
 * that returns them (the caller passes them to the audit trail as secrets to refuse).
 */
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { ContextValue } from '../../iam/policy/index.js';
import type { IamCaller } from '../../iam/store/index.js';
import { CofferError, isCofferError } from '../../shared/index.js';
import { assumeRole, getSessionToken, type StsDeps, type TemporaryCredentials } from '../../sts/index.js';
import { el, esc, wrap } from '../iam/xml.js';

export const STS_VERSION = '2011-06-15';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface StsHttpRequest {
  auth: AuthenticatedRequest;
  body: Buffer;
  requestId: string;
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

export interface StsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  audit: {
    action: string;
    errorCode?: string;
    errorMessage?: string;
    /** CloudTrail responseElements (no secrets). */
    responseElements?: Record<string, unknown>;
    resource?: string;
    /** Values the trail must never contain. */
    secrets: string[];
  };
}

const ERRORS: Record<string, [number, string]> = {
  'sts.access_denied': [403, 'AccessDenied'],
  'sts.validation': [400, 'ValidationError'],
  'sts.malformed_policy': [400, 'MalformedPolicyDocument'],
  'sts.packed_policy_too_large': [400, 'PackedPolicyTooLarge'],
  'sts.invalid_action': [400, 'InvalidAction'],
};

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function credentialsXml(c: TemporaryCredentials, expiresMs: number): string {
  return wrap('Credentials', el('AccessKeyId', c.accessKeyId) + el('SecretAccessKey', c.secretAccessKey) + el('SessionToken', c.sessionToken) + el('Expiration', iso(expiresMs)));
}

function intParam(form: URLSearchParams, name: string): number | undefined {
  const v = form.get(name);
  if (v === null) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new CofferError('sts.validation', { message: `1 validation error detected: Value at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must be a number` });
  return Number(v);
}

function required(form: URLSearchParams, name: string): string {
  const v = form.get(name);
  if (v === null || v === '') throw new CofferError('sts.validation', { message: `1 validation error detected: Value null at '${name[0]!.toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null` });
  return v;
}

function optional(form: URLSearchParams, name: string): string | undefined {
  return form.get(name) ?? undefined;
}

function isCaller(p: unknown): p is IamCaller {
  return typeof p === 'object' && p !== null && typeof (p as IamCaller).arn === 'string' && typeof (p as IamCaller).policies === 'object';
}

export function createStsHandler(deps: StsDeps): (req: StsHttpRequest) => Promise<StsHttpResponse> {
  return async ({ auth, body, requestId, conditionKeys }) => {
    const headers = { 'content-type': 'text/xml' };
    const audit: StsHttpResponse['audit'] = { action: 'Unknown', secrets: [] };
    const ok = (action: string, inner: string): StsHttpResponse => ({
      status: 200,
      headers,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${STS_NAMESPACE}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${esc(requestId)}</RequestId></ResponseMetadata></${action}Response>`,
      audit,
    });
    try {
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? '';
      const version = form.get('Version');
      audit.action = /^[A-Za-z]{1,64}$/.test(action) ? action : 'Unknown';
      if (!['GetCallerIdentity', 'GetSessionToken', 'AssumeRole'].includes(action) || (version !== null && version !== STS_VERSION)) {
        throw new CofferError('sts.invalid_action', { message: `Could not find operation ${audit.action} for version ${STS_VERSION}` });
      }
      const caller = auth.principal;
      if (!isCaller(caller)) throw new CofferError('sts.access_denied', { message: 'The caller is not an IAM principal.' });

      if (action === 'GetCallerIdentity') {
        return ok(action, el('Arn', caller.sessionArn ?? caller.arn) + el('UserId', caller.id) + el('Account', caller.accountId));
      }
      if (action === 'GetSessionToken') {
        const s = await getSessionToken(deps, caller, { durationSeconds: intParam(form, 'DurationSeconds'), serialNumber: optional(form, 'SerialNumber'), tokenCode: optional(form, 'TokenCode') });
        audit.secrets.push(s.credentials.secretAccessKey, s.credentials.sessionToken);
        audit.responseElements = { credentials: { accessKeyId: s.credentials.accessKeyId, expiration: iso(s.expiresMs) } };
        return ok(action, credentialsXml(s.credentials, s.expiresMs));
      }
      const policyArns: string[] = [];
      for (let i = 1; form.has(`PolicyArns.member.${i}.arn`); i++) policyArns.push(form.get(`PolicyArns.member.${i}.arn`)!);
      const roleArn = required(form, 'RoleArn');
      audit.resource = roleArn;
      const r = await assumeRole(
        deps,
        caller,
        {
          roleArn,
          roleSessionName: required(form, 'RoleSessionName'),
          durationSeconds: intParam(form, 'DurationSeconds'),
          serialNumber: optional(form, 'SerialNumber'),
          tokenCode: optional(form, 'TokenCode'),
          policy: optional(form, 'Policy'),
          policyArns,
        },
        conditionKeys,
      );
      audit.secrets.push(r.credentials.secretAccessKey, r.credentials.sessionToken);
      audit.responseElements = { credentials: { accessKeyId: r.credentials.accessKeyId, expiration: iso(r.expiresMs) }, assumedRoleUser: { assumedRoleId: r.assumedRoleId, arn: r.arn } };
      return ok(
        action,
        credentialsXml(r.credentials, r.expiresMs) + wrap('AssumedRoleUser', el('AssumedRoleId', r.assumedRoleId) + el('Arn', r.arn)) + el('PackedPolicySize', r.packedPolicySize),
      );
    } catch (err) {
      const row = isCofferError(err) ? ERRORS[err.code] : undefined;
      if (!row) throw err;
      const message = (err as Error).message;
      audit.errorCode = row[1];
      audit.errorMessage = message;
      return {
        status: row[0],
        headers,
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${STS_NAMESPACE}"><Error><Type>Sender</Type><Code>${row[1]}</Code><Message>${esc(message)}</Message></Error><RequestId>${esc(requestId)}</RequestId></ErrorResponse>`,
        audit,
      };
    }
  };
}
