/**
 * The IAM query API (awsQuery protocol, version 2010-05-08):
 *
 *   POST / (signed for service 'iam'), body Action=<Op>&Version=2010-05-08&<Param>=…
 *   -> look the action up -> resource ARN -> authorise iam:<Op> on it -> run
 *   -> <OpResponse><OpResult>…</OpResult><ResponseMetadata/></OpResponse>
 *      or <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>
 *
 * Secrets (new access keys' secret keys, passwords) appear only in the one response that
 * returns them and are never logged.
 */
import { randomBytes } from 'node:crypto';
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { ContextValue, MatchedStatement, Decision } from '../../iam/policy/index.js';
import type { IamStore } from '../../iam/store/index.js';
import { CofferError, type Clock } from '../../shared/index.js';
import { groupRoleActions } from './actions/groups-roles.js';
import { mfaActions } from './actions/mfa.js';
import { accountActions, entityPolicyActions, managedPolicyActions } from './actions/policies.js';
import type { IamAction } from './actions/types.js';
import { simulateActions } from './actions/simulate.js';
import { userActions } from './actions/users.js';
import { accountSettingsActions } from './actions/account-settings.js';
import { authorizeIamCaller, isIamCaller, type IamAuthorizer } from './authorize.js';
import { toIamError } from './errors.js';
import { Params } from './params.js';
import { guardIamParams } from './actions/guard-params.js';
import { IAM_HINT, redactFlagged, type FieldGuard, type RecordedFinding } from '../../guards/index.js';
import { errorResponseXml, responseXml } from './xml.js';

export const IAM_VERSION = '2010-05-08';

/** Every IAM action Coffer answers, by name. */
export const IAM_ACTIONS: Readonly<Record<string, IamAction>> = Object.freeze({
  ...userActions,
  ...groupRoleActions,
  ...managedPolicyActions,
  ...entityPolicyActions,
  ...accountActions,
  ...simulateActions,
  ...accountSettingsActions,
  ...mfaActions,
});

export interface IamHandlerDeps {
  store: IamStore;
  /** Decides iam:<Action> on the resource; default authorizeIamCaller (the caller's identity policies). */
  authorize?: IamAuthorizer;
  clock: Clock;
  accountId: string;
  /** Largest form body accepted (default 128 KiB; policies are at most 10 KiB, URL-encoded). */
  maxBodyBytes?: number;
  /** Free-form field guard for names, paths, descriptions and tags; absent: nothing is checked. */
  guard?: FieldGuard;
  /** Config iam.allowRootAccessKeys: whether the root user may create access keys (default false). */
  allowRootAccessKeys?: boolean;
  /** Receives unexpected failures (never secrets or parameters). */
  onInternalError?: (info: { requestId: string; action: string; err: unknown }) => void;
}

export interface IamHttpRequest {
  /** The SigV4-verified request (service 'iam'). */
  auth: AuthenticatedRequest;
  /** The buffered application/x-www-form-urlencoded body (its hash was verified with the signature). */
  body: Buffer | string;
  requestId?: string;
  /** aws:* keys of the request (see globalConditionKeys in iam/policy). */
  conditionKeys?: Readonly<Record<string, ContextValue>>;
}

export interface IamHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** For the audit record: the action and, once authorised, the decision and matched statements. */
  audit: {
    action: string; resource?: string; decision?: Decision; matched?: MatchedStatement[]; errorCode?: string;
    /** Free-form field guard: findings (no values) and the flagged strings the trail must hide (never render). */
    guard?: { findings: RecordedFinding[]; sensitive: string[] };
  };
}

export function createIamHandler(deps: IamHandlerDeps): (req: IamHttpRequest) => Promise<IamHttpResponse> {
  const authorize = deps.authorize ?? authorizeIamCaller;
  const maxBody = deps.maxBodyBytes ?? 128 * 1024;
  return async function handleIam(req) {
    const requestId = req.requestId ?? randomBytes(16).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
    const audit: IamHttpResponse['audit'] = { action: 'Unknown' };
    const headers = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    try {
      const text = typeof req.body === 'string' ? req.body : req.body.toString('utf8');
      if (Buffer.byteLength(text) > maxBody) throw new CofferError('http.body_too_large', { message: 'The request body is too large.' });
      const params = new Params(new URLSearchParams(text));
      const name = params.optional('Action') ?? '';
      const action = Object.hasOwn(IAM_ACTIONS, name) ? IAM_ACTIONS[name] : undefined;
      const version = params.optional('Version');
      if (!action || (version !== undefined && version !== IAM_VERSION)) {
        throw new CofferError('iam.invalid_action', { message: `Could not find operation ${name.replace(/[^A-Za-z0-9]/g, '').slice(0, 64)} for version ${IAM_VERSION}` });
      }
      audit.action = name;
      if (req.auth.service !== 'iam') throw new CofferError('iam.access_denied', { message: 'Credential should be scoped to correct service: iam.' });
      const caller = req.auth.principal;
      const ctx = {
        params,
        store: deps.store,
        accountId: deps.accountId,
        callerUserName: isIamCaller(caller) ? caller.userName : undefined,
        callerIsRoot: isIamCaller(caller) && caller.type === 'Account',
        allowRootAccessKeys: deps.allowRootAccessKeys ?? false,
      };
      const resource = await action.resource(ctx);
      audit.resource = resource;
      let result = await authorize({ auth: req.auth, action: `iam:${name}`, resource, conditionKeys: req.conditionKeys ?? {} });
      // Self-service the account allows (ChangePassword with AllowUsersToChangePassword): an implicit deny becomes Allow; an explicit Deny stays.
      if (result.decision === 'ImplicitDeny' && action.selfService && (await action.selfService(ctx))) result = { decision: 'Allow', matched: result.matched };
      audit.decision = result.decision;
      audit.matched = result.matched;
      if (result.decision !== 'Allow') {
        const who = isIamCaller(caller) ? caller.arn : 'the caller';
        const why = result.decision === 'ExplicitDeny' ? 'with an explicit deny in an identity-based policy' : 'because no identity-based policy allows the ' + `iam:${name} action`;
        throw new CofferError('iam.access_denied', { message: `User: ${who} is not authorized to perform: iam:${name} on resource: ${resource} ${why}` });
      }
      if (deps.guard) {
        const session = deps.guard.session({ hint: IAM_HINT });
        try {
          guardIamParams(session, name, params);
        } finally {
          if (session.findings.length > 0) audit.guard = { findings: [...session.findings], sensitive: [...session.sensitive] };
        }
      }
      const xml = await action.run(ctx);
      return { status: 200, headers, body: responseXml(name, xml, requestId), audit };
    } catch (err) {
      const e = toIamError(err);
      audit.errorCode = e.code;
      if (e.internal) deps.onInternalError?.({ requestId, action: audit.action, err });
      return { status: e.status, headers, body: errorResponseXml(e.type, e.code, e.internal ? `${e.message} (request ${requestId})` : redactFlagged(e.message), requestId), audit };
    }
  };
}
