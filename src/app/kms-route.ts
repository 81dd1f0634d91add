/**
 * The KMS API as a service on the shared listener: requests whose SigV4 credential scope names
 * `kms` (POST / with X-Amz-Target: TrentService.<Op>) reach the KMS handler through the generic
 * service route (bounded body, signature, audit before the reply).
 */
import { CofferError } from '../shared/index.js';
import { createKmsHandler } from '../http/kms/index.js';
import { evaluateForPrincipal } from '../http/iam/index.js';
import type { ContextValue } from '../iam/policy/index.js';
import { INTERNAL_CALLER, type KmsDataKeys } from '../objects/index.js';
import { createKmsDataKeys, type BuiltinKms } from '../kms/index.js';
import type { ServiceDefinition } from './service-route.js';

export function kmsService(deps: { kms: BuiltinKms }): ServiceDefinition {
  const handle = createKmsHandler({ kms: deps.kms });
  return {
    name: 'kms',
    eventSource: 'kms.amazonaws.com',
    protocol: { kind: 'json' },
    async handle(call) {
      const target = call.req.headers['x-amz-target'];
      const r = await handle({ auth: call.auth, target: typeof target === 'string' ? target : undefined, body: call.body, conditionKeys: call.conditionKeys });
      const a = r.audit;
      return {
        status: r.status,
        headers: r.headers,
        body: r.body,
        audit: {
          eventName: a.eventName,
          readOnly: a.readOnly,
          requestParameters: a.requestParameters,
          responseElements: a.responseElements,
          resources: a.resources,
          ...(a.decision ? { decision: a.decision } : {}),
          ...(a.errorCode !== undefined ? { errorCode: a.errorCode } : {}),
          ...(a.errorMessage !== undefined ? { errorMessage: a.errorMessage } : {}),
          secrets: a.secrets,
        },
      };
    },
  };
}

/**
 * The object service's SSE-KMS port, bound to the KMS once it is open (the object service is
 * created first). kms:* on a key is decided with the S3 caller's IAM policies.
 */
export function lateKmsDataKeys(): { port: KmsDataKeys; bind(kms: BuiltinKms): void } {
  let bound: KmsDataKeys | null = null;
  const get = (): KmsDataKeys => {
    if (!bound) throw new CofferError('sse.kms_unavailable', { message: 'SSE-KMS is not available yet.' });
    return bound;
  };
  return {
    port: {
      resolve: (keyId) => get().resolve(keyId),
      generateDataKey: (a) => get().generateDataKey(a),
      decrypt: (a) => get().decrypt(a),
      check: (a) => get().check(a),
      keyOf: (c) => get().keyOf(c),
    },
    bind(kms) {
      bound = createKmsDataKeys({
        kms,
        authorize(caller, action, keyArn) {
          // In-process services (discovery, audit export) act for the deployment itself.
          if (caller === INTERNAL_CALLER) return;
          const c = caller as { principal?: unknown; conditionKeys?: Record<string, ContextValue> } | null;
          const result = evaluateForPrincipal(c?.principal ?? null, { action, resource: keyArn, conditionKeys: c?.conditionKeys ?? {} });
          if (result.decision !== 'Allow') {
            const who = (c?.principal as { arn?: string } | null)?.arn ?? 'the caller';
            throw new CofferError('auth.access_denied', { message: `Access Denied: ${who} is not authorized to perform ${action} on ${keyArn}.`, details: { decision: result } });
          }
        },
      });
    },
  };
}
