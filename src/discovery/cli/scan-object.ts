/** One object `coffer scan` reads: a local file or an S3 object. */
import type { Readable } from 'node:stream';

export interface ScanObject {
  /** Shown in reports: a path relative to the working directory, or `s3://bucket/key`. */
  name: string;
  /** SARIF artifact URI: relative (to SRCROOT, the working directory) or absolute (`file:`, `s3:`). */
  uri: string;
  uriIsRelative: boolean;
  /** Size in bytes as listed (the progress bar's total); the stream is authoritative. */
  size: number;
  /** Opens the content as a byte stream. */
  open(): Readable | Promise<Readable>;
}
