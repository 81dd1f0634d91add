/**
 * `coffer scan`: the command-line front end of the discovery engine (files, folders, s3:// locations;
 * table, JSON and SARIF 2.1.0 reports; exit code 0 clean, 1 findings, 2 error).
 */

/** Adds the `scan` subcommand to a commander program (wired in src/cli/main.ts). */
export { registerScanCommand, runScanCommand, selectIdentifiers, type ScanCommandOptions, type ScanIo } from './scan-command.js';
/** Scans objects with a scanner and returns the report (no output, no exit codes). */
export { runScan, type ScanReport, type ScanSummary, type ObjectResult, type ObjectStatus, type RunScanOptions } from './run-scan.js';
/** Renders a report as `table`, `json` or `sarif`. */
export { renderReport, toJson, toTable, OUTPUT_FORMATS, type OutputFormat } from './render.js';
export { toSarif } from './render-sarif.js';
/** Scan sources: local files/folders and S3 locations. */
export { localObjects } from './local-source.js';
export { createScanS3Client, s3Objects, parseS3Url, isS3Url, type S3SourceOptions, type S3Location } from './s3-source.js';
export type { ScanObject } from './scan-object.js';
