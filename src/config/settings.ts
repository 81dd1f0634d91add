// The catalogue of settings: dotted path in the schema, environment variable, and a line of
// documentation. The environment variable is derived from the path (COFFER_ + SCREAMING_SNAKE),
// so `limits.maxHeaderBytes` is COFFER_LIMITS_MAX_HEADER_BYTES.

/** One configurable setting. */
export interface SettingInfo {
  /** Dotted path in the configuration object, e.g. `tls.minVersion`. */
  readonly path: string;
  /** The COFFER_* environment variable that sets it. */
  readonly env: string;
  /** A file system path; relative values are resolved (see README). */
  readonly isPath: boolean;
  /** Never echo its value in messages or logs. */
  readonly secret: boolean;
  /** Default as documented. */
  readonly defaultText: string;
  /** One line of documentation. */
  readonly doc: string;
}

type Row = [path: string, defaultText: string, doc: string, flags?: { isPath?: boolean; secret?: boolean }];

const ROWS: Row[] = [
  ['dataDir', './data', 'Data directory (metadata, blobs, keys, tls/). Created with mode 0700.', { isPath: true }],
  ['listen', '127.0.0.1:9000', 'Address to listen on, HOST:PORT; IPv6 as [::1]:9000; port 0 picks a free port.'],
  ['insecureHttp', 'false', 'Serve plain HTTP instead of TLS. For debugging only; a warning is printed at start.'],
  ['region', 'us-east-1', 'Region name reported to clients and used in SigV4 credential scopes.'],
  ['baseDomain', '(none)', 'Base domain for virtual-hosted-style requests (BUCKET.s3.localhost). Path-style always works.'],
  ['serverNames', '[]', 'Extra host names / IP addresses for the generated server certificate (comma-separated in env).'],
  ['tls.certFile', '(generated)', 'PEM certificate chain to serve instead of the generated one. Requires tls.keyFile.', { isPath: true }],
  ['tls.keyFile', '(generated)', 'PEM private key for tls.certFile.', { isPath: true }],
  ['tls.minVersion', 'TLSv1.2', 'Lowest TLS version accepted: TLSv1.2 or TLSv1.3. Lower versions are refused.'],
  ['fips.mode', 'off', 'FIPS endpoint: off, endpoint (second listener with FIPS-approved TLS suites only) or strict (endpoint, and refuse to start unless the OpenSSL FIPS provider is active).'],
  ['fips.listen', '127.0.0.1:9443', 'Address of the FIPS endpoint, HOST:PORT; port 0 picks a free port. Used when fips.mode is not off.'],
  ['fips.serverNames', '[]', 'Host names of the FIPS endpoint (e.g. s3-fips.example.com), added to the generated server certificate when fips.mode is not off.'],
  ['shutdownGraceMs', '10000', 'On SIGTERM/SIGINT, how long in-flight requests may run before connections are closed.'],
  ['limits.maxHeaderBytes', '16384', 'Largest request header block in bytes (units accepted: 16KiB).'],
  ['limits.maxXmlBodyBytes', '1048576', 'Largest buffered XML/JSON control body (e.g. PutBucketVersioning, tagging).'],
  ['limits.maxBulkXmlBodyBytes', '8388608', 'Largest XML body of CompleteMultipartUpload and DeleteObjects, which grow with parts/keys.'],
  ['limits.maxObjectSize', '5368709120', 'Largest single PutObject/UploadPart body (S3 allows at most 5 GiB).'],
  ['limits.handshakeTimeoutMs', '10000', 'Time allowed for a TLS handshake.'],
  ['limits.headersTimeoutMs', '60000', 'Time allowed to receive the request headers. Must not exceed requestTimeoutMs.'],
  ['limits.requestTimeoutMs', '3600000', 'Time allowed to receive a whole request including its body; 0 disables.'],
  ['limits.idleTimeoutMs', '60000', 'A connection with no bytes in either direction for this long is closed (stalled clients).'],
  ['limits.keepAliveTimeoutMs', '30000', 'How long an idle keep-alive connection is kept open between requests (long enough that SDKs preparing the next multipart part do not race a closing socket).'],
  ['limits.maxConnectionsPerSource', '256', 'Open connections allowed from one client address per listener; more are closed at once (logged at most once a minute per address).'],
  ['log.level', 'info', 'Log level: fatal, error, warn, info, debug, trace or silent.'],
  ['iam.allowRootAccessKeys', 'false', 'Allow access keys for the account root user (break-glass only; it has none by default). While false, creating one is refused: use IAM users with least-privilege policies instead.'],
  ['masterKey.source', 'file', 'Where the master key (root of every Coffer key) comes from: file (<data>/master.key, 0600), env (masterKey.value) or kms (an external AWS-KMS-compatible service wraps it; the wrapped key is kept in <data>/master.key.kms).'],
  ['masterKey.value', '(none)', 'With source env: the base64 of 32 random bytes (openssl rand -base64 32). Never echoed.', { secret: true }],
  ['masterKey.kmsEndpoint', '(none)', 'With source kms: https:// URL of the external KMS (AWS KMS or another Coffer). No credentials in the URL.'],
  ['masterKey.kmsKeyId', '(none)', 'With source kms: key id, key ARN or alias of the wrapping key in the external KMS.'],
  ['masterKey.kmsRegion', 'us-east-1', 'With source kms: region the external KMS requests are signed for.'],
  ['masterKey.kmsCaFile', '(system CAs)', 'With source kms: PEM CA bundle to trust for the external KMS endpoint.', { isPath: true }],
  ['masterKey.kmsAccessKeyId', '(none)', 'With source kms: access key id for the external KMS (needs kms:GenerateDataKey once, then kms:Decrypt).'],
  ['masterKey.kmsSecretAccessKey', '(none)', 'With source kms: the secret access key for masterKey.kmsAccessKeyId. Never echoed.', { secret: true }],
  ['mfa', 'privileged', 'Which requests need an MFA session (from aws sts get-session-token with a code): required (all; long-term keys may only enroll MFA and get a session), privileged (IAM, key, bucket-policy, versioning and encryption changes, bucket and version deletion, audit/KMS/Macie administration) or optional.'],
  ['audit.retentionDays', '0', 'Days of audit trail kept; older segments are pruned under a signed manifest so verify still passes. 0 keeps everything.'],
  ['audit.export.bucket', '(none)', 'Bucket of this Coffer that receives CloudTrail-format log files and signed digest files; unset disables the export.'],
  ['audit.export.prefix', '(none)', 'Key prefix before AWSLogs/ in the export bucket.'],
  ['audit.export.intervalMs', '3600000', 'How often a CloudTrail-format log file and digest are delivered (60000 .. 86400000 ms; CloudTrail digests are hourly).'],
  ['guards.freeFormFields', 'reject', 'Personal data or credentials (checksum-validated card numbers, IBANs, national ids, secret keys, private keys, tokens) in bucket names, object key names, x-amz-meta-*, tags, IAM names, paths and descriptions: reject (400, value never echoed), warn (accept, audit finding and counter) or off.'],
  ['guards.objectKeyNames', '{}', 'Per-bucket mode for object key names, overriding guards.freeFormFields: {"bucket": "warn"} in the config file, bucket=warn,other=off in the environment.'],
  ['discovery.onWrite', 'true', 'Classify every new object version for sensitive data after it is stored (durable queue, findings through the Macie API).'],
  ['discovery.cpuPercent', '50', 'Share of one CPU core (1-100) that classification may use, so request serving is never starved.'],
  ['discovery.concurrency', '2', 'Object versions classified at the same time (1-64).'],
  ['discovery.tagObjects', 'false', 'Tag classified object versions coffer:sensitivity (high, medium, low, none, unknown; pending until classified) and coffer:types, for policies on s3:ExistingObjectTag; clients cannot set or remove coffer:* tags.'],
  ['discovery.quarantine', '{}', 'Quarantine object versions whose finding reaches a severity: {"*": "high", "payroll": "medium"} in the config file, *=high,payroll=medium in the environment (off, low, medium, high). Reading them then needs coffer:GetQuarantinedObject; an administrator releases one with put-object-tagging coffer:quarantine=released (coffer:ReleaseQuarantinedObject, MFA). A job\'s coffer:quarantine tag overrides it for that job\'s findings.'],
  ['discovery.webhook.urls', '[]', 'HTTPS URLs that receive each new finding (EventBridge-shaped JSON, signed, retried with back-off; comma-separated in env). No credentials in the URL; never echoed in messages.', { secret: true }],
  ['discovery.webhook.secretFile', '(none)', 'File holding the shared secret that signs notifications (x-coffer-signature: t=..,v1=HMAC-SHA256(secret, t + "." + body)); at least 32 characters, e.g. openssl rand -hex 32.', { isPath: true }],
  ['discovery.webhook.minSeverity', 'low', 'Notify findings of this severity and above: low, medium or high.'],
];

/** COFFER_ + the path in SCREAMING_SNAKE case. */
export function envNameFor(path: string): string {
  return 'COFFER_' + path.split('.').map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_');
}

/** Every setting, in documentation order. */
export const SETTINGS: readonly SettingInfo[] = Object.freeze(
  ROWS.map(([path, defaultText, doc, flags]) =>
    Object.freeze({ path, env: envNameFor(path), isPath: flags?.isPath ?? false, secret: flags?.secret ?? false, defaultText, doc })),
);

/** The environment variable naming the JSON config file (an alternative to --config). */
export const CONFIG_FILE_ENV = 'COFFER_CONFIG';

/** The setting that owns a schema issue path (the longest catalogued prefix), if any. */
export function settingForPath(path: readonly PropertyKey[]): SettingInfo | undefined {
  const parts = path.map(String);
  for (let n = parts.length; n > 0; n--) {
    const dotted = parts.slice(0, n).join('.');
    const s = SETTINGS.find((x) => x.path === dotted);
    if (s) return s;
  }
  return undefined;
}
