/**
 * Test fixture for crash.test.ts (not part of the API): records events from 16 concurrent
 * callers forever and prints each event id once record() has resolved (i.e. it is durable).
 *   node --import tsx crash-child.ts DIR MASTER_KEY_HEX
 */
import { MasterKey } from '../crypto/index.js';
import { openAuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent } from './testing.js';

const [dir, keyHex] = process.argv.slice(2) as [string, string];
const trail = await openAuditTrail({ dir, masterKey: MasterKey.fromBytes(Buffer.from(keyHex, 'hex')), accountId: ACCOUNT, region: REGION, maxSegmentBytes: 64 * 1024 });
let n = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    for (;;) {
      const r = await trail.record(sampleEvent(n++));
      process.stdout.write(`${r.eventID}\n`);
    }
  }),
);
