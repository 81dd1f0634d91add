/**
 * `coffer iam last-accessed USER --data-dir DIR` and `coffer iam generate-policy USER --since DAYS
 * --data-dir DIR`: least privilege from the audit trail, offline (reads DIR/audit with the
 * master key; no server needed). S3 requests map to IAM actions through the S3 operation table
 * (the same row the authoriser evaluated), other services as `<service>:<eventName>`.
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadMasterKeyFile } from '../crypto/index.js';
import { auditDirOf, generatePolicy, lastAccessed, readAuditEvents, serviceActionUses, type ActionUse, type AuditEvent } from '../audit/index.js';
import { S3_OPERATIONS } from '../http/s3/operations.js';
import { CofferError } from '../shared/index.js';

const OPS: Readonly<Record<string, { action: string; resource: 'service' | 'bucket' | 'object' }>> = S3_OPERATIONS;

/** The IAM actions and resources one recorded request needed. */
export function actionUsesOf(e: AuditEvent): ActionUse[] {
  if (e.eventSource !== 's3.amazonaws.com') return serviceActionUses(e);
  const op = OPS[e.eventName];
  if (!op || op.action === 's3:Unknown') return [];
  const arn = (type: string) => e.resources?.find((r) => r.type === type)?.ARN;
  const params = e.requestParameters ?? {};
  const bucketArn = arn('AWS::S3::Bucket');
  let resource = op.resource === 'service' ? '*' : op.resource === 'bucket' ? bucketArn : arn('AWS::S3::Object');
  // DeleteObjects is recorded without key names (as CloudTrail): s3:DeleteObject on the bucket's objects.
  if (e.eventName === 'DeleteObjects' && bucketArn) resource = `${bucketArn}/*`;
  if (!resource) return [];
  // Requests naming a version need the *Version* action (s3:GetObject -> s3:GetObjectVersion, ...).
  const versioned = op.resource === 'object' && typeof params.versionId === 'string' && /^s3:(Get|Delete|Put)Object(Tagging|Acl|Attributes)?$/.test(op.action);
  const uses: ActionUse[] = [{ action: versioned ? op.action.replace('Object', 'ObjectVersion') : op.action, resource }];
  const source = params['x-amz-copy-source'];
  if (typeof source === 'string') {
    const q = source.indexOf('?versionId=');
    const path = decodeURIComponent(q < 0 ? source : source.slice(0, q)).replace(/^\//, '');
    uses.push({ action: q < 0 ? 's3:GetObject' : 's3:GetObjectVersion', resource: `arn:aws:s3:::${path}` });
  }
  return uses;
}

async function eventsOf(dataDir: string) {
  const { key } = await loadMasterKeyFile(join(resolve(dataDir), 'master.key'));
  return readAuditEvents(auditDirOf(dataDir), key);
}

function sinceOf(days: string | undefined): Date | undefined {
  if (days === undefined) return undefined;
  const n = Number(days);
  if (!Number.isFinite(n) || n <= 0) throw new CofferError('cli.invalid_option', { message: '--since must be a positive number of days' });
  return new Date(Date.now() - n * 86_400_000);
}

/** Adds `iam last-accessed` and `iam generate-policy` (to an existing `iam` command if there is one). */
export function registerIamEvidenceCommands(program: Command): void {
  const iam = program.commands.find((c) => c.name() === 'iam') ?? program.command('iam').description('IAM tools');
  iam
    .command('last-accessed')
    .description('when each action was last used by USER, from the audit trail (allowed requests only)')
    .argument('<user>', 'IAM user name')
    .requiredOption('--data-dir <dir>', 'Coffer data directory (its master key decrypts the trail)')
    .option('--since <days>', 'only requests of the last DAYS days')
    .option('--json', 'print JSON')
    .action(async (user: string, flags: { dataDir: string; since?: string; json?: boolean }) => {
      const since = sinceOf(flags.since);
      const rows = await lastAccessed(await eventsOf(flags.dataDir), user, actionUsesOf, since ? { since } : {});
      if (flags.json) {
        process.stdout.write(JSON.stringify({ userName: user, actions: rows }, null, 2) + '\n');
        return;
      }
      if (rows.length === 0) process.stdout.write(`no allowed requests by ${user} in the trail\n`);
      for (const r of rows) process.stdout.write(`${r.lastAccessed}  ${r.action}  (${r.requests} request${r.requests === 1 ? '' : 's'}; last on ${r.lastResource})\n`);
    });
  iam
    .command('generate-policy')
    .description('the smallest identity policy that allows everything USER did (S3 data events included)')
    .argument('<user>', 'IAM user name')
    .requiredOption('--data-dir <dir>', 'Coffer data directory (its master key decrypts the trail)')
    .option('--since <days>', 'only requests of the last DAYS days (default: the whole trail)')
    .option('--output <file>', 'write the policy to FILE instead of stdout')
    .action(async (user: string, flags: { dataDir: string; since?: string; output?: string }) => {
      const since = sinceOf(flags.since);
      const policy = await generatePolicy(await eventsOf(flags.dataDir), user, actionUsesOf, since ? { since } : {});
      const text = JSON.stringify(policy, null, 2) + '\n';
      if (flags.output) await writeFile(flags.output, text, { mode: 0o600 });
      else process.stdout.write(text);
      if (policy.Statement.length === 0) process.stderr.write(`no allowed requests by ${user} in the trail: the policy is empty\n`);
    });
}
