/**
 * Composition root: the only place that picks concrete adapters and wires the request path
 *   listener -> S3 pipeline (SigV4 -> authorise -> handlers) -> object service
 *   -> SQLite metadata (page-encrypted) + local-disk blobs (chunked AES-256-GCM).
 */
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Logger } from 'pino';
import { createFieldGuard, createGuardedLogger } from '../guards/index.js';
import { serverCertificateNames, type CofferConfig } from '../config/index.js';
import { CofferError, systemClock, type Clock } from '../shared/index.js';
import { createEnvelope, deriveKey } from '../crypto/index.js';
import { openSqliteMetadataStore, openLocalDiskBlobStore } from '../storage/index.js';
import { createObjectService } from '../objects/index.js';
import { loadBootstrapIdentity, openSecret } from '../iam/index.js';
import { createAccessKeyResolver, openSqliteIamStore, provisionAdminUser, type IamStore } from '../iam/store/index.js';
import { createS3Authorizer } from './s3-authorize.js';
import { createAnonymousS3Authorizer } from './s3-authorize-anonymous.js';
import { accountPublicAccessBlock } from './account-settings.js';
import { effectivePublicAccessBlock } from '../http/s3/handlers/account-public-access-block.js';
import { iamService } from './iam-route.js';
import { kmsFields, macieFields, stsFields, withFieldGuard } from './service-guards.js';
import { CONSOLE_PREFIX, createConsoleRoute } from './console-route.js';
import { stsService } from './sts-route.js';
import { withMfaGate, withS3MfaGate } from './mfa-gate.js';
import { createMfaDeletePort } from './mfa-delete.js';
import { createSessionResolver } from '../sts/index.js';
import { kmsService, lateKmsDataKeys } from './kms-route.js';
import { KmsStore, createKms } from '../kms/index.js';
import { cloudtrailService } from './cloudtrail-route.js';
import { createServiceRoute, scopeOf, type ServiceDefinition, type ServiceRoute } from './service-route.js';
import { createS3Handler } from '../http/s3/handle.js';
import { startListener } from '../http/server.js';
import { checkFipsAtStart, createTlsManager, type TlsManager } from '../tls/index.js';
import { dataDirPaths, loadMasterKey, masterKeySourceOf, readMarker } from './data-dir.js';
import { openAuditTrail, unauditedForBenchmark, type AuditTrail } from '../audit/index.js';
import { createAuditHook } from './audit-hook.js';
import { startAuditExport } from './audit-export.js';
import { openDiscovery, type Discovery } from '../macie/index.js';
import { macieService } from './macie-route.js';
import { discoveryAuditSink, loadWebhookSettings, quarantinePort } from './discovery-actions.js';
import { join } from 'node:path';

export interface RunningCoffer {
  url: string;
  port: number;
  /** The FIPS endpoint (config fips.mode endpoint|strict), else null. */
  fipsUrl: string | null;
  fipsPort: number | null;
  caCertFile: string | null;
  /** Re-reads the certificate files (SIGHUP). */
  reloadTls(): Promise<void>;
  close(): Promise<void>;
}

/** So that reloaded certificates reach clients without SNI too (server.setSecureContext). */
function attachTls(manager: TlsManager) {
  return (server: HttpServer | HttpsServer): void => {
    manager.attach(server as HttpsServer);
  };
}

export function createLogger(level: string): Logger {
  // Diagnostic logs go to stderr; stdout is kept for what the operator asked for (credentials, JSON).
  // Every line is redacted (secret names and shapes, detector-flagged personal data); see src/guards.
  return createGuardedLogger({ level });
}

export async function startCoffer(
  config: CofferConfig,
  /** `kmsClock`: the KMS's own time source (default `clock`), so in-process tests can let a key's deletion date pass without skewing SigV4. */
  opts: { logger?: Logger; clock?: Clock; kmsClock?: Clock; /** Benchmarks only (audit/benchmark-switch.ts); no config, env or flag sets it. */ benchmarkOnlyDisableAudit?: boolean; /** Benchmarks only (objects/sealed-blobs.ts): object bodies stored unencrypted. */ benchmarkOnlyDisableEncryption?: boolean } = {},
): Promise<RunningCoffer> {
  const logger = opts.logger ?? createLogger(config.log.level);
  // Personal data and credentials in free-form fields: reject (default), warn (audited, counted) or off.
  const guard = createFieldGuard({
    mode: config.guards.freeFormFields,
    onFinding: (f) => logger.warn({ field: f.field, kind: f.kind, action: f.action }, 'free-form field holds what looks like sensitive data'),
  });
  const clock = opts.clock ?? systemClock;
  // fips strict: refuse to start before touching any data unless the OpenSSL FIPS provider is active.
  const fips = config.fips.mode !== 'off' ? checkFipsAtStart(config.fips.mode) : null;
  const paths = dataDirPaths(config.dataDir);
  await readMarker(config.dataDir);
  const { key: master, warnings } = await loadMasterKey(config.dataDir, await masterKeySourceOf(config));
  for (const w of warnings) logger.warn({ file: paths.masterKey }, w);

  const metadata = await openSqliteMetadataStore({ path: paths.metaDb, encryptionKey: deriveKey(master, 'metadata-db/v1') });
  const blobs = await openLocalDiskBlobStore({ dir: paths.blobs });
  let trail: AuditTrail | null = null;
  let iam: IamStore | null = null;
  let kmsStore: KmsStore | null = null;
  let tlsRef: TlsManager | null = null;
  let discovery: Discovery | null = null;
  try {
    const temps = await blobs.cleanupTemp();
    const orphans = await blobs.collectOrphans(await metadata.referencedBlobIds(), 0);
    if (temps || orphans) logger.info({ temps, orphans }, 'removed data left by an interrupted write');

    const envelope = createEnvelope({ masterKey: master });
    // Sensitive-data discovery: every version the object service commits is queued for classification.
    discovery = openDiscovery({
      path: join(paths.root, 'macie', 'macie.db'), masterKey: master, metadata, clock, logger,
      settings: { ...config.discovery, webhook: await loadWebhookSettings(config.discovery.webhook) },
    });
    // SSE-KMS: the object service reaches the KMS (opened below, with the account id) through this port.
    const kmsDataKeys = lateKmsDataKeys();
    const objects = createObjectService({ kms: kmsDataKeys.port, metadata: discovery.metadata, blobs, envelope, clock, region: config.region, limits: { maxObjectSize: config.limits.maxObjectSize }, benchmarkOnlyPlaintextBodies: opts.benchmarkOnlyDisableEncryption === true });
    const identity = await loadBootstrapIdentity(paths.root);
    // Identities and policies (page-encrypted); the bootstrap admin is provisioned idempotently.
    iam = await openSqliteIamStore({ path: join(paths.root, 'iam', 'iam.db'), masterKey: master, accountId: identity.accountId, clock });
    await provisionAdminUser(iam, {
      userName: identity.admin.userName,
      userId: identity.admin.userId,
      accessKeyId: identity.admin.accessKeyId,
      secretAccessKey: openSecret(master, identity.admin.accessKeyId, identity.admin.sealedSecret),
      createdMs: Date.parse(identity.admin.createdAt),
    });
    // Customer managed KMS keys (page-encrypted kms/kms.db); due deletions are also completed lazily on use.
    kmsStore = KmsStore.open({ path: join(paths.root, 'kms', 'kms.db'), masterKey: master });
    const kms = createKms({ store: kmsStore, masterKey: master, clock: opts.kmsClock ?? clock, region: config.region, accountId: identity.accountId });
    kmsDataKeys.bind(kms);
    const kmsSweep = setInterval(() => {
      try {
        kms.sweep();
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'could not complete a scheduled KMS key deletion');
      }
    }, 60_000).unref();
    const iamStore = iam;
    const resolver = createAccessKeyResolver({ store: iam, clock });
    // Long-term keys (AKIA) and STS sessions (ASIA: token, expiry and revocation checked per request).
    const findSecret = createSessionResolver({ store: iam, clock, longTerm: resolver.findSecret.bind(resolver) }).findSecret;
    // Every request is recorded, durably, before its reply (CloudTrail-shaped, tamper-evident).
    trail = await openAuditTrail({ dir: join(paths.root, 'audit'), masterKey: master, accountId: identity.accountId, region: config.region, clock, ...(config.audit.retentionDays > 0 ? { retentionMs: config.audit.retentionDays * 86_400_000 } : {}) });
    if (opts.benchmarkOnlyDisableEncryption === true) logger.warn('ENCRYPTION AT REST DISABLED for a benchmark: object bodies are stored in plaintext (never use this outside npm run bench)');
    if (opts.benchmarkOnlyDisableAudit === true) {
      trail = unauditedForBenchmark(trail);
      logger.warn('AUDITING DISABLED for a benchmark: requests are not recorded (never use this outside npm run bench)');
    }
    // CloudTrail-format log files and signed digests delivered to a bucket of this Coffer (audit.export).
    const auditExport = config.audit.export.bucket
      ? startAuditExport({ trail, objects, dir: join(paths.root, 'audit'), masterKey: master, accountId: identity.accountId, region: config.region, bucket: config.audit.export.bucket, prefix: config.audit.export.prefix, intervalMs: config.audit.export.intervalMs, owner: identity.admin.userId, clock, logger })
      : null;

    // TLS: generated local CA material or operator files, reloaded on change and on SIGHUP
    // without dropping connections, with expiry warnings in the log.
    let tlsManager: TlsManager | null = null;
    let caCertFile: string | null = null;
    if (!config.insecureHttp) {
      tlsManager = await createTlsManager({
        ...(config.tls.certFile && config.tls.keyFile ? { certFile: config.tls.certFile, keyFile: config.tls.keyFile } : { dataDir: paths.root, names: serverCertificateNames(config) }),
        minVersion: config.tls.minVersion,
        handshakeTimeoutMs: config.limits.handshakeTimeoutMs,
        clock,
        logger,
      });
      if (!config.tls.certFile) caCertFile = join(paths.tls, 'ca.pem');
    } else {
      logger.warn('plain HTTP enabled by --insecure-http: requests travel unencrypted and are marked as not using secure transport');
    }
    tlsRef = tlsManager;

    const handle = createS3Handler({
      objects,
      findSecret,
      // The mfa setting first (privileged operations need an MFA session), then the policies.
      authorize: withS3MfaGate(config.mfa, createS3Authorizer({ clock, region: config.region, bucketPolicy: async (bucket) => (await metadata.getBucket(bucket))?.policy ?? null, objectTags: async (b, k, v) => (await metadata.getVersion(b, k, v ?? undefined))?.tags ?? null })),
      // Anonymous requests: the bucket policy alone, as far as Block Public Access (bucket OR account) allows.
      authorizeAnonymous: createAnonymousS3Authorizer({
        clock,
        region: config.region,
        bucketPolicy: async (bucket) => (await metadata.getBucket(bucket))?.policy ?? null,
        publicAccessBlock: async (bucket) => effectivePublicAccessBlock((await metadata.getBucket(bucket))?.publicAccessBlock, await iamStore.getAccountPublicAccessBlock()),
        objectTags: async (b, k, v) => (await metadata.getVersion(b, k, v ?? undefined))?.tags ?? null,
      }),
      account: accountPublicAccessBlock(iamStore),
      // MFA Delete on versioned buckets: flags and x-amz-mfa checks in the identity store.
      mfaDelete: createMfaDeletePort({ store: iamStore, objects }),
      // Releasing versions discovery quarantined (coffer:ReleaseQuarantinedObject, MFA-privileged).
      quarantine: quarantinePort(metadata),
      clock,
      region: config.region,
      baseDomain: config.baseDomain ?? null,
      maxXmlBodyBytes: config.limits.maxXmlBodyBytes,
      maxBulkXmlBodyBytes: config.limits.maxBulkXmlBodyBytes,
      guard,
      objectKeyNameModes: config.guards.objectKeyNames,
      logger,
      beforeReply: createAuditHook(trail, { accountId: identity.accountId, region: config.region }),
    });
    // Findings, quarantines, job runs and notifications are audit events too (AwsServiceEvent).
    await discovery.start({ objects, accountId: identity.accountId, region: config.region, record: discoveryAuditSink(trail, { accountId: identity.accountId, region: config.region, clock }) });
    // Every non-S3 API registers one service definition; the SigV4 credential scope picks it.
    const serviceDeps = { findSecret, clock, regions: [...new Set([config.region, 'us-east-1'])], logger, trail, accountId: identity.accountId };
    const services: ServiceDefinition[] = [
      iamService({ store: iam, clock, accountId: identity.accountId, guard, allowRootAccessKeys: config.iam.allowRootAccessKeys }),
      withFieldGuard(kmsService({ kms }), guard, kmsFields),
      cloudtrailService({ trail }),
      withFieldGuard(stsService({ store: iam, clock, accountId: identity.accountId }), guard, stsFields),
      withFieldGuard(macieService({ discovery, listBuckets: () => metadata.listBuckets(), accountId: identity.accountId, region: config.region }), guard, macieFields),
    ];
    const routes = new Map<string, ServiceRoute>(services.map((d) => [d.name, createServiceRoute(withMfaGate(d, config.mfa), serviceDeps)]));
    // Console sign-in (password + MFA code -> cookie backed by an MFA STS session), unsigned.
    const consoleRoute = createConsoleRoute({ store: iam, findSecret, clock, accountId: identity.accountId, region: config.region, trail, logger, secureCookies: !config.insecureHttp });
    // One listener serves every protocol; the SigV4 credential scope says which.
    const dispatch: typeof handle = (req, res, secure) => {
      const scope = scopeOf(req);
      const service = scope?.service;
      if (scope === null && (req.url ?? '').startsWith(CONSOLE_PREFIX)) return consoleRoute(req, res, secure);
      const route = service !== undefined && service !== 's3' ? routes.get(service) : undefined;
      return route ? route(req, res, secure) : handle(req, res, secure);
    };
    // Limits and the request handler, the same on the main and the FIPS listener.
    const served = {
      maxHeaderBytes: config.limits.maxHeaderBytes,
      headersTimeoutMs: config.limits.headersTimeoutMs,
      requestTimeoutMs: config.limits.requestTimeoutMs,
      idleTimeoutMs: config.limits.idleTimeoutMs,
      keepAliveTimeoutMs: config.limits.keepAliveTimeoutMs,
      maxConnectionsPerSource: config.limits.maxConnectionsPerSource,
      logger,
      handle: dispatch,
    };
    const listener = await startListener({
      host: config.listen.host,
      port: config.listen.port,
      tls: tlsManager ? tlsManager.serverOptions() : null,
      ...(tlsManager ? { onServer: attachTls(tlsManager) } : {}),
      ...served,
    });
    // The FIPS endpoint: the same request handler behind a second listener whose TLS offers only
    // FIPS-approved suites (src/tls/fips); the request path's algorithms are listed there too.
    let fipsListener: Awaited<ReturnType<typeof startListener>> | null = null;
    if (fips && tlsManager) {
      const fipsTls = tlsManager;
      fipsListener = await startListener({
        host: config.fips.listen.host,
        port: config.fips.listen.port,
        tls: fipsTls.serverOptions('fips'),
        onServer: (server) => void fipsTls.attach(server as HttpsServer, 'fips'),
        ...served,
      }).catch(async (err: unknown) => {
        await listener.close(0);
        throw err;
      });
      logger[fips.providerActive ? 'info' : 'warn']({ fips: fips.mode, providerActive: fips.providerActive, url: fipsListener.url }, fips.summary);
    }
    let closing: Promise<void> | null = null;
    return {
      url: listener.url,
      port: listener.port,
      fipsUrl: fipsListener?.url ?? null,
      fipsPort: fipsListener?.port ?? null,
      caCertFile,
      reloadTls: async () => {
        if (tlsManager) await tlsManager.reload('manual');
      },
      close() {
        closing ??= (async () => {
          await Promise.all([listener.close(config.shutdownGraceMs), fipsListener?.close(config.shutdownGraceMs)]);
          await tlsManager?.close();
          await auditExport?.stop();
          // Discovery before the trail: its in-flight actions and deliveries still record their events.
          await discovery?.close();
          await trail?.close();
          iam?.close();
          clearInterval(kmsSweep);
          kms.close();
          kmsStore?.close();
          await metadata.close();
          await blobs.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await tlsRef?.close().catch(() => undefined);
    await trail?.close().catch(() => undefined);
    try {
      iam?.close();
      kmsStore?.close();
    } catch {
      // already failing; the original error matters more
    }
    await discovery?.close().catch(() => undefined);
    await metadata.close().catch(() => undefined);
    await blobs.close().catch(() => undefined);
    if (err instanceof CofferError) throw err;
    throw err;
  }
}
