/**
 * S3 (Coffer or any S3-compatible store) objects as scan objects.
 *
 *   parse s3://BUCKET/PREFIX
 *   client = S3Client({ endpoint, region, credentials: default AWS chain (env, shared config/credentials
 *            files, SSO, process, web identity, instance metadata), TLS CA bundle if given })
 *   loop ListObjectsV2(Bucket, Prefix, ContinuationToken) -> objects (folder markers skipped)
 *   open(object) = GetObject(...).Body  (a Node stream; never buffered)
 *
 * @aws-sdk/client-s3 is imported lazily so that scanning local files does not load the SDK.
 */
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { CofferError } from '../../shared/errors.js';
import type { ScanObject } from './scan-object.js';

export interface S3SourceOptions {
  /** e.g. https://127.0.0.1:9000 (path-style addressing is used when an endpoint is given). */
  endpointUrl?: string;
  /** PEM file with the CA certificate(s) to trust for the endpoint (e.g. Coffer's local CA). */
  caBundle?: string;
  /** Region for signing; default: the AWS chain (AWS_REGION, config file), else us-east-1. */
  region?: string;
  /** Named profile of the shared AWS config/credentials files. */
  profile?: string;
}

export interface S3Location { bucket: string; prefix: string }

/** True for arguments naming an S3 location. */
export const isS3Url = (arg: string): boolean => arg.startsWith('s3://');

/** Parses `s3://BUCKET[/PREFIX]`. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/s.exec(url);
  if (m === null || m[1] === undefined) {
    throw new CofferError('discovery.scan.invalid_s3_url', { message: 'an S3 location must look like s3://BUCKET or s3://BUCKET/PREFIX' });
  }
  return { bucket: m[1], prefix: m[2] ?? '' };
}

/** Creates the S3 client for `coffer scan` (credentials from the standard AWS chain). */
export async function createScanS3Client(opts: S3SourceOptions): Promise<S3Client> {
  const { S3Client } = await import('@aws-sdk/client-s3');
  let ca: Buffer | undefined;
  if (opts.caBundle !== undefined) {
    try {
      ca = await readFile(opts.caBundle);
    } catch (cause) {
      throw new CofferError('discovery.scan.ca_bundle_unreadable', { message: `cannot read the CA bundle ${opts.caBundle}`, cause });
    }
  }
  const make = (region: string | undefined): S3Client => new S3Client({
    ...(region !== undefined ? { region } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.endpointUrl !== undefined ? { endpoint: opts.endpointUrl, forcePathStyle: true } : {}),
    ...(ca !== undefined ? { requestHandler: { httpsAgent: new Agent({ ca, keepAlive: true }) } } : {}),
  });
  if (opts.region !== undefined) return make(opts.region);
  const client = make(undefined);
  try {
    await client.config.region();
    return client;
  } catch {
    // No region anywhere in the AWS chain: S3-compatible stores (Coffer too) accept us-east-1.
    client.destroy();
    return make('us-east-1');
  }
}

/**
 * Lists the objects under `s3://bucket/prefix`, page by page (`pageSize` keys per ListObjectsV2
 * call, default the server's 1,000), and opens each with GetObject when it is scanned.
 */
export async function* s3Objects(client: S3Client, location: S3Location, opts: { pageSize?: number } = {}): AsyncGenerator<ScanObject> {
  const { ListObjectsV2Command, GetObjectCommand } = await import('@aws-sdk/client-s3');
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({
      Bucket: location.bucket,
      ...(location.prefix !== '' ? { Prefix: location.prefix } : {}),
      ...(opts.pageSize !== undefined ? { MaxKeys: opts.pageSize } : {}),
      ...(token !== undefined ? { ContinuationToken: token } : {}),
    }));
    for (const o of page.Contents ?? []) {
      const key = o.Key;
      if (key === undefined || (key.endsWith('/') && (o.Size ?? 0) === 0)) continue; // folder marker
      const name = `s3://${location.bucket}/${key}`;
      yield {
        name,
        uri: `s3://${encodeURIComponent(location.bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`,
        uriIsRelative: false,
        size: o.Size ?? 0,
        open: async (): Promise<Readable> => {
          const r = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
          if (r.Body === undefined) throw new CofferError('discovery.scan.empty_body', { message: `no body returned for ${name}` });
          return r.Body as Readable;
        },
      };
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
}
