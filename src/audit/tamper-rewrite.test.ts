import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MasterKey } from '../crypto/index.js';
import { openAuditTrail } from './trail.js';
import { verifyAuditTrail } from './verify.js';
import { decodeEventBody, decodeHeader, encodeFrame, FRAME_CHECKPOINT, FRAME_EVENT } from './format.js';
import { CompactRange, leafHash } from './merkle.js';
import { SegmentCipher } from './record-cipher.js';
import { scanSegment } from './segment-reader.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();

async function build(dir: string): Promise<string[]> {
  const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, maxSegmentBytes: 3000 });
  for (let i = 0; i < 20; i++) await trail.record(sampleEvent(i));
  await trail.close();
  return (await readdir(join(dir, 'segments'))).filter((n) => n.endsWith('.seg')).sort();
}

describe('audit tamper evidence against rewriting', () => {
  it('detects a record inserted in the middle of a segment', async (t) => {
    const dir = await tempDir(t);
    const names = await build(dir);
    const name = names[1] as string;
    const buf = await readFile(join(dir, 'segments', name));
    const s = scanSegment(buf);
    const at = s.frames.findIndex((f) => f.type === FRAME_EVENT);
    const copy = s.frames[at]!;
    // A second copy of a real record (valid CRC, GCM tag and chain link) right after it.
    const inserted = Buffer.concat([buf.subarray(0, copy.offset + copy.length), encodeFrame(FRAME_EVENT, Buffer.from(copy.body)), buf.subarray(copy.offset + copy.length)]);
    await writeFile(join(dir, 'segments', name), inserted);
    const r = await verifyAuditTrail(dir, masterKey);
    assert.equal(r.ok, false);
    // The copy repeats an index already seen: reported at that record as out of sequence.
    assert.ok(r.issues.some((i) => (i.kind === 'inserted' || i.kind === 'reordered') && i.segment === name && i.index === decodeEventBody(copy.body)!.index), JSON.stringify(r.issues));
  });

  it('detects a segment replaced with other records and recomputed hashes, GCM tags and checkpoint roots, without the signing key', async (t) => {
    // The attacker holds the master key (records re-encrypt and authenticate) but not the separate signing key.
    const dir = await tempDir(t);
    const names = await build(dir);
    const name = names[1] as string;
    const buf = await readFile(join(dir, 'segments', name));
    const { header, length } = decodeHeader(buf);
    const s = scanSegment(buf);
    const cipher = new SegmentCipher(header.salt, SegmentCipher.recordKey(masterKey));
    let chain = header.prevChain;
    const range = new CompactRange(header.firstIndex, header.frontier);
    const out: Buffer[] = [buf.subarray(0, length)];
    for (const f of s.frames) {
      if (f.type === FRAME_EVENT) {
        const b = decodeEventBody(f.body)!;
        const event = JSON.parse(cipher.open(b.index, b.prevChain, b.nonce, b.sealed)!.toString('utf8'));
        event.sourceIPAddress = '127.0.0.9'; // same length, so the file keeps its size
        const body = cipher.seal(b.index, chain, Buffer.from(JSON.stringify(event)));
        chain = leafHash(body);
        range.append(chain);
        out.push(encodeFrame(FRAME_EVENT, body));
      } else if (f.type === FRAME_CHECKPOINT) {
        // Root and chain lines recomputed for the new records; the old signature is all there is.
        const lines = f.body.toString('utf8').split('\n');
        lines[2] = range.root().toString('base64');
        lines[6] = `chain ${chain.toString('hex')}`;
        out.push(encodeFrame(FRAME_CHECKPOINT, Buffer.from(lines.join('\n'))));
      }
    }
    await writeFile(join(dir, 'segments', name), Buffer.concat(out));
    const r = await verifyAuditTrail(dir, masterKey);
    assert.equal(r.ok, false);
    const kinds = new Set(r.issues.map((i) => i.kind));
    assert.ok(kinds.has('checkpoint_signature'), JSON.stringify(r.issues));
    // The next segment's header still commits to the original records.
    assert.ok(kinds.has('chain_break'), JSON.stringify(r.issues));
    assert.ok(!r.issues.some((i) => i.kind === 'modified'), 'the records themselves authenticate: only the signatures and links catch it');
  });
});
