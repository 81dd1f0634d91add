/**
 * Load generator and side-by-side suite (issue 11): Coffer against s3rver, nginx and the disk.
 */

/** Runs every measurement on every system; see suite.ts for the plan. */
export { runSuite, defaultSuiteOptions, type SuiteOptions, type SuiteResult } from './suite.js';
/** argv -> SuiteOptions (unknown options ignored). */
export { parseSuiteOptions, parseSize } from './options.js';
/** One measurement: workers x operations against an S3Ops, latency percentiles, server RSS/CPU. */
export { runLoad, prepareObjects, summarize, MIX, type LoadSpec } from './runner.js';
/** Markdown report, ratios and goals. */
export { markdownReport, ratios, goals, resultsTable, sizeLabel } from './report.js';
/** SVG chart of PUT/GET throughput by object size per system. */
export { throughputChart } from './chart.js';
/** Raw signed-request client and the @aws-sdk/client-s3 one, both S3Ops. */
export { createRawClient } from './raw-client.js';
export { createSdkClient } from './sdk-client.js';
/** Systems under test. */
export { startSystem, LABELS, type SystemName, type RunningSystem } from './systems.js';
export type { S3Ops, TargetEndpoint, LoadResult, Operation, LatencySummary } from './types.js';
