/**
 * The Macie2 REST-JSON API over the discovery service (jobs, findings, buckets, custom data
 * identifiers, allow lists), authorised per operation as macie2:<Operation>.
 */

/** `createMacieHandler({ discovery, listBuckets, accountId, region })` -> `{ handle(req), operationOf(method, path) }`. */
export { createMacieHandler, type MacieHandlerDeps, type MacieRequest, type MacieResponse } from './handler.js';
/** Finding criteria, sorting and paging (pure). */
export { meetsCriteria, sortBy, page, valuesAt, type Criterion, type SortCriteria } from './findings-query.js';
