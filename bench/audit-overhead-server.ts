/**
 * Bench fixture (not part of the product): a Coffer server like `coffer server`, optionally with
 * auditing disabled through the benchmark-only switch (src/audit/benchmark-switch.ts), which
 * only this file sets. Prints "Coffer is serving S3 on URL"; SIGTERM closes it.
 *   node --import tsx bench/audit-overhead-server.ts DATA_DIR on|off
 */
import { loadConfig } from '../src/config/index.js';
import { startCoffer } from '../src/app/start.js';

const [dataDir, mode] = process.argv.slice(2) as [string, string];
if (!dataDir || (mode !== 'on' && mode !== 'off')) throw new Error('usage: audit-overhead-server.ts DATA_DIR on|off');
const config = loadConfig({ overrides: { dataDir, listen: '127.0.0.1:0' } });
const running = await startCoffer(config, { benchmarkOnlyDisableAudit: mode === 'off' });
process.stdout.write(`Coffer is serving S3 on ${running.url} (auditing ${mode})\n`);
process.on('SIGTERM', () => void running.close().then(() => process.exit(0), () => process.exit(1)));
