/**
 * `coffer audit verify --data-dir DIR`: offline check of DIR/audit (no server needed).
 * Exit 0 when intact, 1 with the report when not (errors such as an unreadable key: 2, via main).
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadMasterKeyFile } from '../crypto/index.js';
import { verifyAuditTrail, type AuditIssue, type AuditVerifyReport } from './verify.js';
import { proveConsistency, proveInclusion, verifyConsistencyBundle, verifyInclusionBundle, type ConsistencyBundle, type InclusionBundle } from './proofs.js';

interface VerifyFlags {
  dataDir: string;
  auditDir?: string;
  masterKey?: boolean;
  trustedKey?: string[];
  knownCheckpoint?: string[];
  json?: boolean;
}

/** The audit directory inside a data directory (the integrator opens the trail here too). */
export function auditDirOf(dataDir: string): string {
  return join(resolve(dataDir), 'audit');
}

function line(i: AuditIssue): string {
  const where = [i.segment ? `segment ${i.segment}` : '', i.offset !== undefined ? `offset ${i.offset}` : '', i.index !== undefined ? `record ${i.index}` : ''].filter(Boolean).join(', ');
  return `  ${i.kind}${where ? ` (${where})` : ''}: ${i.message}`;
}

export function formatReport(r: AuditVerifyReport): string {
  const out = [
    `${r.ok ? 'INTACT' : 'TAMPERED'}: ${r.records} records in ${r.segments} segments, ${r.checkpoints} checkpoints${r.contentsVerified ? '' : ' (record contents not authenticated: no master key)'}`,
  ];
  if (r.pruned) out.push(`  pruned: records 0..${r.pruned.records - 1} (segments 0..${r.pruned.segments - 1}) removed by retention at ${r.pruned.time} (signed manifest; not a deletion)`);
  if (r.lastCheckpoint) out.push(`  last checkpoint: seq ${r.lastCheckpoint.seq}, size ${r.lastCheckpoint.size}, root ${r.lastCheckpoint.root}, ${r.lastCheckpoint.time}`);
  if (r.issues.length) out.push(`problems (${r.issues.length}):`, ...r.issues.map(line));
  if (r.warnings.length) out.push(`warnings (${r.warnings.length}):`, ...r.warnings.map(line));
  return out.join('\n') + '\n';
}

/**
 * Adds `audit verify`, `audit prove`, `audit consistency` and `audit check-proof` to `program`.
 * verify and check-proof set process.exitCode to 0 (valid) or 1 (not).
 */
export function registerAuditCommands(program: Command): void {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  const audit = program.command('audit').description('audit trail tools');
  audit
    .command('verify')
    .description('check every segment, record and checkpoint of the audit trail offline')
    .requiredOption('--data-dir <dir>', 'Coffer data directory (its master.key authenticates records and keys)')
    .option('--audit-dir <dir>', 'audit directory (default: DATA_DIR/audit)')
    .option('--no-master-key', 'do not use the master key: check structure and signatures against --trusted-key only')
    .option('--trusted-key <vkey>', 'trusted checkpoint public key (C2SP vkey; repeatable)', collect)
    .option('--known-checkpoint <file>', 'checkpoint note kept outside the trail, to detect rollback and forks (repeatable)', collect)
    .option('--json', 'print the report as JSON')
    .action(async (flags: VerifyFlags) => {
      const dir = flags.auditDir ? resolve(flags.auditDir) : auditDirOf(flags.dataDir);
      const master = flags.masterKey === false ? null : (await loadMasterKeyFile(join(resolve(flags.dataDir), 'master.key'))).key;
      const knownCheckpoints = await Promise.all((flags.knownCheckpoint ?? []).map((f) => readFile(f, 'utf8')));
      const report = await verifyAuditTrail(dir, master, { ...(flags.trustedKey ? { trustedKeys: flags.trustedKey } : {}), knownCheckpoints });
      process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report));
      process.exitCode = report.ok ? 0 : 1;
    });
  audit
    .command('prove')
    .description('print an inclusion proof (JSON) of one record against a signed checkpoint')
    .requiredOption('--data-dir <dir>', 'Coffer data directory')
    .option('--audit-dir <dir>', 'audit directory (default: DATA_DIR/audit)')
    .option('--event-id <id>', 'event to prove (needs the master key to find it)')
    .option('--index <n>', 'log index of the record to prove')
    .option('--checkpoint-size <n>', 'prove against the checkpoint of this size (default: newest)')
    .action(async (flags: { dataDir: string; auditDir?: string; eventId?: string; index?: string; checkpointSize?: string }) => {
      const dir = flags.auditDir ? resolve(flags.auditDir) : auditDirOf(flags.dataDir);
      const what = flags.eventId !== undefined
        ? { eventId: flags.eventId, masterKey: (await loadMasterKeyFile(join(resolve(flags.dataDir), 'master.key'))).key }
        : { index: Number(flags.index) };
      const bundle = await proveInclusion(dir, what, flags.checkpointSize !== undefined ? { checkpointSize: Number(flags.checkpointSize) } : {});
      process.stdout.write(JSON.stringify({ type: 'inclusion', ...bundle }, null, 2) + '\n');
    });
  audit
    .command('consistency')
    .description('print a consistency proof (JSON) that checkpoint OLD is a prefix of checkpoint NEW')
    .requiredOption('--data-dir <dir>', 'Coffer data directory')
    .option('--audit-dir <dir>', 'audit directory (default: DATA_DIR/audit)')
    .requiredOption('--old <size>', 'tree size of the older checkpoint')
    .option('--new <size>', 'tree size of the newer checkpoint (default: newest)')
    .action(async (flags: { dataDir: string; auditDir?: string; old: string; new?: string }) => {
      const dir = flags.auditDir ? resolve(flags.auditDir) : auditDirOf(flags.dataDir);
      const bundle = await proveConsistency(dir, Number(flags.old), flags.new !== undefined ? Number(flags.new) : undefined);
      process.stdout.write(JSON.stringify({ type: 'consistency', ...bundle }, null, 2) + '\n');
    });
  audit
    .command('check-proof')
    .description('check a proof printed by prove or consistency, with public keys only')
    .argument('<file>', 'proof JSON file')
    .requiredOption('--trusted-key <vkey>', 'trusted checkpoint public key (C2SP vkey; repeatable)', collect)
    .action(async (file: string, flags: { trustedKey: string[] }) => {
      const proof = JSON.parse(await readFile(file, 'utf8')) as ({ type: 'inclusion' } & InclusionBundle) | ({ type: 'consistency' } & ConsistencyBundle);
      const ok = proof.type === 'inclusion' ? verifyInclusionBundle(proof, flags.trustedKey) : proof.type === 'consistency' ? verifyConsistencyBundle(proof, flags.trustedKey) : false;
      process.stdout.write(ok ? 'VALID\n' : 'INVALID\n');
      process.exitCode = ok ? 0 : 1;
    });
}
