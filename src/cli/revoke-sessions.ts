/**
 * `coffer iam revoke-sessions (--user NAME | --role NAME) --data-dir DIR`: voids every STS
 * session of a user or role issued up to now. Works while the server runs: the identity store
 * is shared (SQLite WAL) and sessions are checked against the revocation mark on every request.
 * (Through the API, AWS's way works too: a Deny on aws:TokenIssueTime before a date.)
 */
import type { Command } from 'commander';
import { join } from 'node:path';
import { CofferError } from '../shared/index.js';
import { openSqliteIamStore } from '../iam/store/index.js';
import { dataDirPaths, loadMasterKey, readMarker } from '../app/data-dir.js';

/** Revokes and returns how many sessions were still active. */
export async function revokeSessions(dataDir: string, target: { kind: 'user' | 'role'; name: string }): Promise<number> {
  const { accountId } = await readMarker(dataDir);
  const { key } = await loadMasterKey(dataDir);
  const store = openSqliteIamStore({ path: join(dataDirPaths(dataDir).root, 'iam', 'iam.db'), masterKey: key, accountId });
  try {
    // Refuse names that do not exist, so a typo does not look like success.
    if (target.kind === 'user') await store.getUser(target.name);
    else await store.getRole(target.name);
    return await store.sessions.revokeSessions(target.kind, target.name);
  } finally {
    store.close();
  }
}

export function registerRevokeSessionsCommand(program: Command): void {
  const iam = program.commands.find((c) => c.name() === 'iam') ?? program.command('iam').description('IAM tools');
  iam
    .command('revoke-sessions')
    .description('void every STS session (GetSessionToken / AssumeRole credentials) of a user or role issued until now')
    .requiredOption('--data-dir <dir>', 'Coffer data directory')
    .option('--user <name>', 'IAM user name')
    .option('--role <name>', 'IAM role name')
    .action(async (flags: { dataDir: string; user?: string; role?: string }) => {
      if ((flags.user === undefined) === (flags.role === undefined)) throw new CofferError('cli.usage', { message: 'give exactly one of --user and --role' });
      const target = flags.user !== undefined ? { kind: 'user' as const, name: flags.user } : { kind: 'role' as const, name: flags.role! };
      const n = await revokeSessions(flags.dataDir, target);
      process.stdout.write(`revoked the sessions of ${target.kind} ${target.name} issued until now (${n} still active before)\n`);
    });
}
