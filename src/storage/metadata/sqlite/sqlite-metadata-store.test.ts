import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMetadataStoreContract } from '../metadata.contract.js';
import { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';

runMetadataStoreContract(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'coffer-sqlite-'));
  const encryptionKey = randomBytes(32);
  const open = () => openSqliteMetadataStore({ path: join(dir, 'metadata.db'), encryptionKey });
  return {
    store: await open(),
    reopen: open,
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}, 'SQLite metadata store (contract)');
