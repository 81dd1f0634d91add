/**
 * Test fixture for fail-closed.test.ts (not part of the API). Run under a file-size limit:
 * records until the trail fails, then tries once more; prints "ok ID", "rejected CODE".
 *   node --import tsx fail-child.ts DIR MASTER_KEY_HEX
 */
import { MasterKey } from '../crypto/index.js';
import { isCofferError } from '../shared/index.js';
import { openAuditTrail } from './trail.js';
import { ACCOUNT, REGION, sampleEvent } from './testing.js';

const [dir, keyHex] = process.argv.slice(2) as [string, string];
const trail = await openAuditTrail({ dir, masterKey: MasterKey.fromBytes(Buffer.from(keyHex, 'hex')), accountId: ACCOUNT, region: REGION });
const code = (e: unknown) => (isCofferError(e) ? e.code : String(e));
for (let i = 0; i < 10_000; i++) {
  try {
    const r = await trail.record(sampleEvent(i));
    process.stdout.write(`ok ${r.eventID}\n`);
  } catch (e) {
    process.stdout.write(`rejected ${code(e)}\n`);
    break;
  }
}
await trail.record(sampleEvent(0)).then(
  () => process.stdout.write('ok after failure\n'),
  (e: unknown) => process.stdout.write(`rejected ${code(e)}\n`),
);
