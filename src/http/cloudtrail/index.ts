/**
 * The CloudTrail API over awsJson 1.1 (X-Amz-Target), reached through the service route when
 * the SigV4 credential scope names `cloudtrail`. Read-only: LookupEvents.
 *
 *   const handle = createCloudTrailHandler({ lookup: (input) => trail.lookupEvents(input) });
 *   const res = await handle({ auth, target, body, conditionKeys });   // { status, headers, body, audit }
 */

/** Builds the handler: authorises cloudtrail:LookupEvents, validates, answers in CloudTrail's shape; never throws for client errors. */
export { createCloudTrailHandler, CLOUDTRAIL_TARGET_PREFIX, type CloudTrailHandlerDeps, type CloudTrailRequest, type CloudTrailResponse } from './lookup-events.js';
