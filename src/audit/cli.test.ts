import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { generateMasterKeyFile } from '../crypto/index.js';
import { auditDirOf, registerAuditCommands } from './cli.js';
import { openAuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

/** Runs `coffer audit ...` in process; returns the exit code and what it printed. */
async function run(args: string[]): Promise<{ code: number; out: string }> {
  const program = new Command('coffer').exitOverride();
  registerAuditCommands(program);
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const saved = process.exitCode;
  process.stdout.write = ((s: string | Uint8Array) => {
    chunks.push(String(s));
    return true;
  }) as typeof process.stdout.write;
  try {
    process.exitCode = 0;
    await program.parseAsync(['node', 'coffer', 'audit', ...args]);
    return { code: Number(process.exitCode ?? 0), out: chunks.join('') };
  } finally {
    process.stdout.write = write;
    process.exitCode = saved;
  }
}

describe('coffer audit verify', () => {
  it('exits 0 for an intact trail and 1 with the location when a record was modified', async (t) => {
    const dataDir = await tempDir(t);
    const masterKey = await generateMasterKeyFile(join(dataDir, 'master.key'));
    const trail = await openAuditTrail({ dir: auditDirOf(dataDir), masterKey, accountId: ACCOUNT, region: REGION });
    for (let i = 0; i < 5; i++) await trail.record(sampleEvent(i));
    await trail.close();

    const good = await run(['verify', '--data-dir', dataDir]);
    assert.equal(good.code, 0, good.out);
    assert.match(good.out, /^INTACT: 5 records in 1 segments, 1 checkpoints/);

    const json = await run(['verify', '--data-dir', dataDir, '--json']);
    assert.equal(JSON.parse(json.out).ok, true);

    const seg = (await readdir(join(auditDirOf(dataDir), 'segments')))[0] as string;
    const path = join(auditDirOf(dataDir), 'segments', seg);
    const buf = await readFile(path);
    buf[buf.length - 400] = (buf[buf.length - 400] as number) ^ 0xff;
    await writeFile(path, buf);
    const bad = await run(['verify', '--data-dir', dataDir]);
    assert.equal(bad.code, 1, bad.out);
    assert.match(bad.out, /^TAMPERED/);
    assert.match(bad.out, new RegExp(`segment ${seg.replace('.', '\\.')}, offset \\d+`));
  });

  it('prints an inclusion proof that check-proof accepts with the public key and rejects with another', async (t) => {
    const dataDir = await tempDir(t);
    const masterKey = await generateMasterKeyFile(join(dataDir, 'master.key'));
    const trail = await openAuditTrail({ dir: auditDirOf(dataDir), masterKey, accountId: ACCOUNT, region: REGION });
    const e = sampleEvent(3);
    for (let i = 0; i < 3; i++) await trail.record(sampleEvent(i));
    await trail.record(e);
    const vkey = trail.publicKey();
    await trail.close();
    const proof = await run(['prove', '--data-dir', dataDir, '--event-id', e.eventID]);
    assert.equal(JSON.parse(proof.out).index, 3);
    const file = join(dataDir, 'proof.json');
    await writeFile(file, proof.out);
    assert.deepEqual(await run(['check-proof', file, '--trusted-key', vkey]), { code: 0, out: 'VALID\n' });
    const other = await openAuditTrail({ dir: join(dataDir, 'other'), masterKey, accountId: ACCOUNT, region: REGION });
    const otherKey = other.publicKey();
    await other.close();
    assert.deepEqual(await run(['check-proof', file, '--trusted-key', otherKey]), { code: 1, out: 'INVALID\n' });
  });

  it('without the master key, needs a trusted public key to call a trail intact', async (t) => {
    const dataDir = await tempDir(t);
    const masterKey = await generateMasterKeyFile(join(dataDir, 'master.key'));
    const trail = await openAuditTrail({ dir: auditDirOf(dataDir), masterKey, accountId: ACCOUNT, region: REGION });
    await trail.record(sampleEvent(0));
    const vkey = trail.publicKey();
    await trail.close();
    const untrusted = await run(['verify', '--data-dir', dataDir, '--no-master-key']);
    assert.equal(untrusted.code, 1, untrusted.out);
    assert.match(untrusted.out, /no_trusted_key/);
    const trusted = await run(['verify', '--data-dir', dataDir, '--no-master-key', '--trusted-key', vkey]);
    assert.equal(trusted.code, 0, trusted.out);
    assert.match(trusted.out, /record contents not authenticated/);
  });
});
