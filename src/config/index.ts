/**
 * Coffer's typed configuration. `process.env` is read here and nowhere else (STYLE.md point 7).
 * Precedence: defaults < JSON config file (--config or COFFER_CONFIG) < COFFER_* env < CLI flags.
 */

/** Reads, merges, validates and deep-freezes the configuration; throws CofferError('config.invalid') naming each bad setting. */
export { loadConfig, type LoadConfigOptions, type CofferConfig, type ConfigOverrides, type ConfigIssue } from './load-config.js';
/** The zod schema behind `loadConfig` (input and output types), plus the allowed TLS floors and log levels. */
export { configSchema, type ConfigInput, TLS_MIN_VERSIONS, LOG_LEVELS, MFA_MODES } from './schema.js';
/** The catalogue of settings (path, COFFER_* variable, default, doc) for help texts and docs; COFFER_CONFIG names the file variable. */
export { SETTINGS, CONFIG_FILE_ENV, envNameFor, type SettingInfo } from './settings.js';
/** Names the server certificate needs for a configuration (serverNames, baseDomain + wildcard, listen host). */
export { serverCertificateNames } from './server-certificate-names.js';
/** A parsed `listen` address. */
export { type ListenAddress } from './values.js';
