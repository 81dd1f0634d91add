/**
 * Child process of multi-connection.test.ts: opens its own connection to a shared database file,
 * prints "ready", waits for a line on stdin, then races the other processes with
 * create-if-absent writes and prints how many it won.
 *
 *   usage: node --import tsx multi-connection.child.ts <db path> <key hex> <worker> <keys>
 */
import { once } from 'node:events';
import { isCofferError } from '../../../shared/index.js';
import { version } from '../contract/fixtures.js';
import { openSqliteMetadataStore } from './open-sqlite-metadata-store.js';

const [path, keyHex, worker, keys] = process.argv.slice(2);
if (path === undefined || keyHex === undefined || worker === undefined || keys === undefined) {
  throw new Error('usage: multi-connection.child.ts <db path> <key hex> <worker> <keys>');
}

const store = await openSqliteMetadataStore({ path, encryptionKey: Buffer.from(keyHex, 'hex'), busyTimeoutMs: 30_000 });
process.stdout.write('ready\n');
await once(process.stdin, 'data');
let won = 0;
const n = Number(keys);
for (let i = 0; i < n; i++) {
  // Each process starts at a different key so the races happen at every point of the run.
  const k = (i + Number(worker) * 7) % n;
  try {
    await store.putVersion(version('b', `key-${k}`, `w${worker}-k${k}`), { replaceNull: false, expect: { absent: true } });
    won++;
  } catch (e) {
    if (!isCofferError(e, 'storage.precondition_failed')) throw e;
  }
}
await store.close();
process.stdout.write(`won ${won}\n`);
process.stdin.destroy();
