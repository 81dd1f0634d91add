/**
 * Maps one request to a non-S3 API (IAM, STS, KMS, CloudTrail, Macie) to a CloudTrail
 * management event. The service handler decides what goes into requestParameters and
 * responseElements (never secrets: secret keys, passwords, MFA codes, plaintexts); this
 * builder adds the envelope fields CloudTrail always has.
 */
import { randomUUID } from 'node:crypto';
import { systemClock } from '../shared/index.js';
import type { BuildEventContext } from './build-s3-event.js';
import { EVENT_VERSION, policyDecisionOf, tlsDetailsOf, type AuditEvent, type EventResource, type UserIdentity } from './event.js';

export interface ServiceRequestInfo {
  /** e.g. 'iam.amazonaws.com', 'sts.amazonaws.com', 'kms.amazonaws.com'. */
  eventSource: string;
  /** The API action (e.g. 'CreateUser', 'GetSessionToken'); 'Unknown' when it could not be read. */
  eventName: string;
  /** Null or absent for failed authentication. */
  principal?: UserIdentity | null;
  accessKeyId?: string;
  sourceIp: string;
  userAgent?: string;
  tls?: { version?: string; cipher?: string };
  host?: string;
  requestParameters?: Record<string, unknown> | null;
  responseElements?: Record<string, unknown> | null;
  additionalEventData?: Record<string, unknown>;
  resources?: EventResource[];
  errorCode?: string;
  errorMessage?: string;
  requestId: string;
  readOnly: boolean;
  /** Management (default) or data event (e.g. KMS Encrypt/Decrypt stay management on AWS). */
  category?: 'Management' | 'Data';
  eventType?: AuditEvent['eventType'];
  apiVersion?: string;
  decision?: { decision: string; matched: readonly { policyId: string; sid?: string | undefined; effect: string }[] };
}

/** Builds the CloudTrail record of a request to one of the query/JSON APIs. */
export function buildServiceEvent(info: ServiceRequestInfo, ctx: BuildEventContext): AuditEvent {
  const identity: UserIdentity = info.principal
    ? { ...info.principal, ...(info.accessKeyId !== undefined ? { accessKeyId: info.accessKeyId } : {}) }
    : { type: 'Unknown', ...(info.accessKeyId !== undefined ? { accessKeyId: info.accessKeyId } : {}) };
  const additional: Record<string, unknown> = { ...(info.additionalEventData ?? {}) };
  if (info.decision) additional.policyDecision = policyDecisionOf(info.decision);
  const tlsDetails = tlsDetailsOf(info.tls, info.host);
  const category = info.category ?? 'Management';
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: identity,
    eventTime: new Date((ctx.clock ?? systemClock).now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: info.eventSource,
    eventName: info.eventName,
    awsRegion: ctx.region,
    sourceIPAddress: info.sourceIp,
    ...(info.userAgent !== undefined ? { userAgent: info.userAgent.slice(0, 1024) } : {}),
    ...(info.errorCode !== undefined ? { errorCode: info.errorCode.slice(0, 1024) } : {}),
    ...(info.errorMessage !== undefined ? { errorMessage: info.errorMessage.slice(0, 1024) } : {}),
    requestParameters: info.requestParameters && Object.keys(info.requestParameters).length > 0 ? info.requestParameters : null,
    responseElements: info.responseElements ?? null,
    ...(Object.keys(additional).length > 0 ? { additionalEventData: additional } : {}),
    requestID: info.requestId,
    eventID: randomUUID(),
    readOnly: info.readOnly,
    ...(info.resources ? { resources: info.resources } : {}),
    eventType: info.eventType ?? 'AwsApiCall',
    ...(info.apiVersion ? { apiVersion: info.apiVersion } : {}),
    managementEvent: category === 'Management',
    recipientAccountId: ctx.accountId,
    eventCategory: category,
    ...(tlsDetails ? { tlsDetails } : {}),
  };
}
