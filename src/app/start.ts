/**
 * Composition root: the only place that picks concrete adapters and wires the request path
 *   listener -> S3 pipeline (SigV4 -> authorise -> handlers) -> object service
 *   -> SQLite metadata (page-encrypted) + local-disk blobs (chunked AES-256-GCM).
 */
import { readFile } from 'node:fs/promises';
import pino, { type Logger } from 'pino';
import { serverCertificateNames, type CofferConfig } from '../config/index.js';
import { CofferError, systemClock, type Clock } from '../shared/index.js';
import { createEnvelope, deriveKey } from '../crypto/index.js';
import { openSqliteMetadataStore, openLocalDiskBlobStore } from '../storage/index.js';
import { createObjectService } from '../objects/index.js';
import { bootstrapSecretFinder, loadBootstrapIdentity } from '../iam/index.js';
import { createS3Handler } from '../http/s3/handle.js';
import { startListener } from '../http/server.js';
import { ensureTlsMaterial, tlsServerOptions } from '../tls/index.js';
import { dataDirPaths, loadMasterKey, readMarker } from './data-dir.js';

export interface RunningCoffer {
  url: string;
  port: number;
  caCertFile: string | null;
  close(): Promise<void>;
}

export function createLogger(level: string): Logger {
  // Diagnostic logs go to stderr; stdout is kept for what the operator asked for (credentials, JSON).
  return pino({ level, base: { svc: 'coffer' }, redact: { paths: ['req.headers.authorization', '*.authorization', '*.secretAccessKey', '*.password'], censor: '[redacted]' } }, pino.destination(2));
}

export async function startCoffer(config: CofferConfig, opts: { logger?: Logger; clock?: Clock } = {}): Promise<RunningCoffer> {
  const logger = opts.logger ?? createLogger(config.log.level);
  const clock = opts.clock ?? systemClock;
  const paths = dataDirPaths(config.dataDir);
  await readMarker(config.dataDir);
  const { key: master, warnings } = await loadMasterKey(config.dataDir);
  for (const w of warnings) logger.warn({ file: paths.masterKey }, w);

  const metadata = await openSqliteMetadataStore({ path: paths.metaDb, encryptionKey: deriveKey(master, 'metadata-db/v1') });
  const blobs = await openLocalDiskBlobStore({ dir: paths.blobs });
  try {
    const temps = await blobs.cleanupTemp();
    const orphans = await blobs.collectOrphans(await metadata.referencedBlobIds(), 0);
    if (temps || orphans) logger.info({ temps, orphans }, 'removed data left by an interrupted write');

    const envelope = createEnvelope({ masterKey: master });
    const objects = createObjectService({ metadata, blobs, envelope, clock, region: config.region, limits: { maxObjectSize: config.limits.maxObjectSize } });
    const identity = await loadBootstrapIdentity(paths.root);
    const findSecret = bootstrapSecretFinder(identity, master);

    let tls = null;
    let caCertFile: string | null = null;
    if (!config.insecureHttp) {
      let certPem: string;
      let keyPem: string;
      if (config.tls.certFile && config.tls.keyFile) {
        certPem = await readFile(config.tls.certFile, 'utf8');
        keyPem = await readFile(config.tls.keyFile, 'utf8');
      } else {
        const material = await ensureTlsMaterial({ dir: paths.root, names: serverCertificateNames(config), clock });
        certPem = material.certPem;
        keyPem = material.keyPem;
        caCertFile = material.caCertFile;
      }
      tls = tlsServerOptions({ certPem, keyPem, minVersion: config.tls.minVersion, handshakeTimeoutMs: config.limits.handshakeTimeoutMs });
    } else {
      logger.warn('plain HTTP enabled by --insecure-http: requests travel unencrypted and are marked as not using secure transport');
    }

    const handle = createS3Handler({
      objects,
      findSecret,
      // Until IAM lands, the only principal is the bootstrap admin, who may do everything;
      // requests over plain HTTP are still authenticated.
      authorize: async () => undefined,
      clock,
      region: config.region,
      baseDomain: config.baseDomain ?? null,
      maxXmlBodyBytes: config.limits.maxXmlBodyBytes,
      maxBulkXmlBodyBytes: config.limits.maxBulkXmlBodyBytes,
      logger,
    });
    const listener = await startListener({
      host: config.listen.host,
      port: config.listen.port,
      tls,
      maxHeaderBytes: config.limits.maxHeaderBytes,
      headersTimeoutMs: config.limits.headersTimeoutMs,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      idleTimeoutMs: config.limits.idleTimeoutMs,
      keepAliveTimeoutMs: config.limits.keepAliveTimeoutMs,
      logger,
      handle,
    });
    let closing: Promise<void> | null = null;
    return {
      url: listener.url,
      port: listener.port,
      caCertFile,
      close() {
        closing ??= (async () => {
          await listener.close(config.shutdownGraceMs);
          await metadata.close();
          await blobs.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await metadata.close().catch(() => undefined);
    await blobs.close().catch(() => undefined);
    if (err instanceof CofferError) throw err;
    throw err;
  }
}
