/**
 * The AWS KMS API (JSON 1.1, `X-Amz-Target: TrentService.<Operation>`) over the built-in KMS.
 *
 *   op      = target after 'TrentService.'             (unknown -> UnknownOperationException)
 *   input   = JSON body (object)                        (else SerializationException)
 *   key     = resolve(KeyId | alias | ARN) or, for Decrypt/ReEncrypt, the key the blob names
 *   decide  = evaluateForPrincipal(caller, kms:<Op>, key ARN | '*')   (anything but Allow -> AccessDeniedException)
 *   reply   = operation result (blobs and plaintexts base64), audit = parameters without plaintext;
 *             returned plaintexts go to audit.secrets so the trail can prove they never appear
 */
import type { AuthenticatedRequest } from '../../auth/index.js';
import type { ContextValue, EvaluationResult } from '../../iam/policy/index.js';
import { CofferError } from '../../shared/index.js';
import type { BuiltinKms } from '../../kms/index.js';
import { evaluateForPrincipal } from '../iam/index.js';
import { toKmsError } from './errors.js';
import { KMS_OPERATIONS, type KmsOperationContext } from './operations.js';

export interface KmsHttpRequest {
  auth: AuthenticatedRequest;
  /** The X-Amz-Target header. */
  target: string | undefined;
  body: Buffer;
  conditionKeys: Readonly<Record<string, ContextValue>>;
}

export interface KmsAudit {
  eventName: string;
  readOnly: boolean;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  resources: { type: string; ARN: string }[];
  decision?: EvaluationResult;
  errorCode?: string;
  errorMessage?: string;
  secrets: string[];
}

export interface KmsHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  audit: KmsAudit;
}

export interface KmsHandlerDeps {
  kms: BuiltinKms;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

export function createKmsHandler(deps: KmsHandlerDeps): (req: KmsHttpRequest) => Promise<KmsHttpResponse> {
  const { kms } = deps;
  return async (req): Promise<KmsHttpResponse> => {
    const target = req.target ?? '';
    const name = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    const op = Object.hasOwn(KMS_OPERATIONS, name) ? KMS_OPERATIONS[name as keyof typeof KMS_OPERATIONS] : undefined;
    const audit: KmsAudit = {
      eventName: op ? name : name.replace(/[^A-Za-z0-9]/g, '').slice(0, 64) || 'Unknown',
      readOnly: op?.readOnly ?? false,
      requestParameters: null,
      responseElements: null,
      resources: [],
      secrets: [],
    };
    const decisions: EvaluationResult['matched'][number][] = [];
    try {
      if (!op) throw new CofferError('kms.unknown_operation', { message: 'The operation is not supported by this KMS.' });
      let input: Record<string, unknown>;
      try {
        const parsed: unknown = req.body.length === 0 ? {} : JSON.parse(req.body.toString('utf8'));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        input = parsed as Record<string, unknown>;
      } catch (cause) {
        throw new CofferError('kms.serialization', { message: 'The request body is not a JSON object.', cause });
      }
      const ctx: KmsOperationContext = {
        kms,
        input,
        audit,
        authorize(action: string, resource: string) {
          if (resource !== '*' && !audit.resources.some((r) => r.ARN === resource)) audit.resources.push({ type: 'AWS::KMS::Key', ARN: resource });
          const result = evaluateForPrincipal(req.auth.principal, { action, resource, conditionKeys: req.conditionKeys });
          if (result.decision !== 'Allow') {
            audit.decision = result;
            const who = (req.auth.principal as { arn?: string } | null)?.arn ?? 'the caller';
            throw new CofferError('auth.access_denied', {
              message: `User: ${who} is not authorized to perform: ${action} on resource: ${resource}${result.decision === 'ExplicitDeny' ? ' with an explicit deny' : ' because no identity-based policy allows the ' + action + ' action'}`,
            });
          }
          decisions.push(...result.matched);
        },
      };
      const output = await op.run(ctx);
      audit.decision = { decision: 'Allow', matched: decisions };
      const headers: Record<string, string> = { 'content-type': JSON_TYPE };
      return { status: 200, headers, body: JSON.stringify(output), audit };
    } catch (err) {
      const e = toKmsError(err);
      audit.errorCode = e.type;
      audit.errorMessage = e.message;
      if (e.type === 'KMSInternalException') throw err;
      return { status: e.status, headers: { 'content-type': JSON_TYPE, 'x-amzn-errortype': e.type }, body: JSON.stringify({ __type: e.type, message: e.message }), audit };
    }
  };
}
