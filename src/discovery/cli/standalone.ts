/**
 * Temporary entry point to run `coffer scan` without the rest of the CLI:
 *   node --import tsx src/discovery/cli/standalone.ts scan PATH... [options]
 * Used by the tests of this folder; src/cli/main.ts is the real entry point.
 */
import { Command } from 'commander';
import { registerScanCommand } from './scan-command.js';

const program = new Command('coffer').exitOverride();
registerScanCommand(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  const code = (err as { exitCode?: unknown }).exitCode;
  process.exitCode = typeof code === 'number' ? code : 2;
  if (typeof code !== 'number') process.stderr.write(`coffer: ${err instanceof Error ? err.message : String(err)}\n`);
}
