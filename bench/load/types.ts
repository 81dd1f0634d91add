/** Shared types of the load generator. */

/** Where a system under test answers, and how to authenticate (no credentials: unsigned, e.g. nginx). */
export interface TargetEndpoint {
  endpoint: string;
  /** PEM CA to trust for https endpoints. */
  ca?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
}

/** The operations the generator drives; every call throws on an unexpected HTTP status. */
export interface S3Ops {
  createBucket(bucket: string): Promise<void>;
  put(bucket: string, key: string, body: Buffer): Promise<void>;
  /** Resolves to the number of body bytes received. */
  get(bucket: string, key: string): Promise<number>;
  head(bucket: string, key: string): Promise<void>;
  /** Deleting a missing key is not an error (S3 semantics). */
  del(bucket: string, key: string): Promise<void>;
  /** Resolves to the number of keys in the page. */
  list(bucket: string, prefix: string, maxKeys: number): Promise<number>;
}

export type Operation = 'PUT' | 'GET' | 'HEAD' | 'LIST' | 'DELETE' | 'MIXED';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  system: string;
  op: Operation;
  /** Object size in bytes (for LIST and DELETE: the size of the listed/deleted objects). */
  size: number;
  concurrency: number;
  ops: number;
  errors: number;
  seconds: number;
  opsPerSec: number;
  /** Payload bytes moved per second (PUT + GET bodies), in MB/s (10^6). */
  mbPerSec: number;
  /** Milliseconds. */
  latency: LatencySummary;
  /** Server resources during the run (absent for in-process ceilings). */
  server?: {
    peakRssMiB: number;
    cpuCores: number;
    /**
     * Server CPU milliseconds per completed operation: the figure least disturbed by neighbours on a
     * shared machine (an oversubscribed CPU stretches latency, not the work a request costs).
     */
    cpuMsPerOp: number;
  };
  /** For LIST: keys returned per second. */
  keysPerSec?: number;
  /** Per-operation counts for MIXED. */
  mix?: Record<string, number>;
  firstError?: string;
}
