/**
 * Bench fixture (not part of the product): a Coffer server like `coffer server`, with at most
 * one security feature switched off to attribute its cost. Auditing and encryption can only be
 * switched off through startCoffer's benchmark-only options (src/audit/benchmark-switch.ts,
 * src/objects/sealed-blobs.ts), which only this file sets; discovery on write is an
 * ordinary setting (discovery.onWrite). Prints "Coffer is serving S3 on URL"; SIGTERM closes it.
 *   node --import tsx bench/feature-switch-server.ts DATA_DIR all|no-audit|no-encryption|no-discovery
 */
import { loadConfig } from '../src/config/index.js';
import { startCoffer } from '../src/app/start.js';

export const VARIANTS = ['all', 'no-audit', 'no-encryption', 'no-discovery'] as const;
const [dataDir, variant] = process.argv.slice(2) as [string, string];
if (!dataDir || !(VARIANTS as readonly string[]).includes(variant)) throw new Error(`usage: feature-switch-server.ts DATA_DIR ${VARIANTS.join('|')}`);
const config = loadConfig({ overrides: { dataDir, listen: '127.0.0.1:0', mfa: 'optional', ...(variant === 'no-discovery' ? { discovery: { onWrite: false } } : {}) } });
const running = await startCoffer(config, { benchmarkOnlyDisableAudit: variant === 'no-audit', benchmarkOnlyDisableEncryption: variant === 'no-encryption' });
process.stdout.write(`Coffer is serving S3 on ${running.url} (${variant})\n`);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0), () => process.exit(1)));
