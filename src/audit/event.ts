/** CloudTrail event record (eventVersion 1.08 fields Coffer emits). See reference §1.1-1.2. */

export const EVENT_VERSION = '1.08';

export interface SessionContext {
  attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  sessionIssuer?: { type: string; principalId: string; arn: string; accountId: string; userName?: string };
}

export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'Role' | 'FederatedUser' | 'AWSAccount' | 'AWSService' | 'Unknown';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  invokedBy?: string;
  sessionContext?: SessionContext;
}

export interface EventResource {
  ARN: string;
  accountId?: string;
  type: string;
}

export interface TlsDetails {
  tlsVersion?: string;
  cipherSuite?: string;
  clientProvidedHostHeader?: string;
}

export interface AuditEvent {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: EventResource[];
  eventType: 'AwsApiCall' | 'AwsServiceEvent' | 'AwsConsoleAction' | 'AwsConsoleSignIn';
  apiVersion?: string;
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: TlsDetails;
}

/** A stored event with its position in the log. */
export interface StoredEvent {
  index: number;
  event: AuditEvent;
}

/** CloudTrail's Username for LookupEvents: user name, role session name, or "root". */
export function usernameOf(id: UserIdentity): string | undefined {
  if (id.userName) return id.userName;
  if (id.type === 'Root') return 'root';
  if (id.type === 'AssumedRole' && id.arn) return id.arn.slice(id.arn.lastIndexOf('/') + 1);
  return undefined;
}

/** The policy decision as events carry it (additionalEventData.policyDecision). */
export function policyDecisionOf(d: { decision: string; matched: readonly { policyId: string; sid?: string | undefined; effect: string }[] }): Record<string, unknown> {
  return {
    decision: d.decision,
    matchedStatements: d.matched.map((m) => ({ policyId: m.policyId, ...(m.sid !== undefined ? { sid: m.sid } : {}), effect: m.effect })),
  };
}

/** tlsDetails from the connection's TLS facts and the Host header; undefined when neither is known. */
export function tlsDetailsOf(tls: { version?: string | undefined; cipher?: string | undefined } | undefined, host: string | undefined): TlsDetails | undefined {
  if (!tls && !host) return undefined;
  return {
    ...(tls?.version ? { tlsVersion: tls.version } : {}),
    ...(tls?.cipher ? { cipherSuite: tls.cipher } : {}),
    ...(host ? { clientProvidedHostHeader: host } : {}),
  };
}
