import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir, readFile, rm, truncate, writeFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MasterKey } from '../crypto/index.js';
import { openAuditTrail } from './trail.js';
import { verifyAuditTrail, type AuditIssue } from './verify.js';
import { decodeEventBody, encodeFrame, FRAME_CHECKPOINT, FRAME_EVENT } from './format.js';
import { leafHash } from './merkle.js';
import { scanSegment } from './segment-reader.js';
import { ACCOUNT, REGION, sampleEvent, tempDir } from './testing.js';

const masterKey = MasterKey.generate();

interface Frame {
  type: number;
  body: Buffer;
}

/** A closed trail of `n` records spread over several segments; returns its last checkpoint. */
async function build(dir: string, n = 20, from = 0, tag = ''): Promise<string> {
  const trail = await openAuditTrail({ dir, masterKey, accountId: ACCOUNT, region: REGION, maxSegmentBytes: 3000 });
  for (let i = from; i < from + n; i++) await trail.record({ ...sampleEvent(i), requestID: `${tag}${i}` });
  await trail.close();
  return trail.latestCheckpoint() as string;
}

async function segments(dir: string): Promise<string[]> {
  return (await readdir(join(dir, 'segments'))).filter((n) => n.endsWith('.seg')).sort();
}

async function frames(dir: string, name: string): Promise<{ head: Buffer; frames: Frame[] }> {
  const buf = await readFile(join(dir, 'segments', name));
  const s = scanSegment(buf);
  return { head: buf.subarray(0, s.headerLength), frames: s.frames.map((f) => ({ type: f.type, body: Buffer.from(f.body) })) };
}

async function rewrite(dir: string, name: string, edit: (f: Frame[]) => Frame[]): Promise<void> {
  const { head, frames: fs } = await frames(dir, name);
  await writeFile(join(dir, 'segments', name), Buffer.concat([head, ...edit(fs).map((f) => encodeFrame(f.type, f.body))]));
}

/** The segment holding record `index` and the position of its frame there. */
async function locate(dir: string, index: number): Promise<{ name: string; pos: number }> {
  for (const name of await segments(dir)) {
    const pos = (await frames(dir, name)).frames.findIndex((f) => f.type === FRAME_EVENT && decodeEventBody(f.body)?.index === index);
    if (pos >= 0) return { name, pos };
  }
  throw new Error(`record ${index} not found`);
}

function first(issues: AuditIssue[]): AuditIssue {
  assert.ok(issues.length > 0, 'tampering was not detected');
  return issues[0] as AuditIssue;
}

describe('audit tamper evidence', () => {
  it('reports an untouched trail as intact, with and without the master key', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const vkey = (await readFile(join(dir, 'keys', (await readFile(join(dir, 'keys', 'current'), 'utf8')).trim() + '.vkey'), 'utf8')).split('\n')[0] as string;
    const r = await verifyAuditTrail(dir, masterKey);
    assert.equal(r.ok, true, JSON.stringify(r.issues));
    assert.ok(r.segments >= 4, `segments ${r.segments}`);
    assert.equal((await verifyAuditTrail(dir, null, { trustedKeys: [vkey] })).ok, true);
  });

  it('detects a flipped byte in a record at that record', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const { name } = await locate(dir, 9);
    const s = scanSegment(await readFile(join(dir, 'segments', name)));
    const frame = s.frames.find((f) => f.type === FRAME_EVENT && decodeEventBody(f.body)?.index === 9);
    const buf = await readFile(join(dir, 'segments', name));
    const at = (frame?.offset ?? 0) + 70;
    buf[at] = (buf[at] as number) ^ 0x01;
    await writeFile(join(dir, 'segments', name), buf);
    assert.deepEqual(pick(first((await verifyAuditTrail(dir, masterKey)).issues)), { kind: 'modified', segment: name, index: 9 });
  });

  it('detects a modified record whose checksum and later hashes were recomputed, without the signing key', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const { name, pos } = await locate(dir, 9);
    await rewrite(dir, name, (fs) => {
      const body = (fs[pos] as Frame).body;
      body[60] = (body[60] as number) ^ 0x01;
      // Re-link the rest of the segment so the plain hash chain looks intact.
      let chain = leafHash(body);
      for (const f of fs.slice(pos + 1)) {
        if (f.type !== FRAME_EVENT) continue;
        chain.copy(f.body, 8);
        chain = leafHash(f.body);
      }
      return fs;
    });
    const withKey = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual(pick(first(withKey.issues)), { kind: 'modified', segment: name, index: 9 });
    const noKey = await verifyAuditTrail(dir, null, { trustedKeys: [await currentVkey(dir)] });
    assert.ok(noKey.issues.some((i) => i.kind === 'checkpoint_mismatch' || i.kind === 'chain_break'), JSON.stringify(noKey.issues));
  });

  it('detects a deleted record at its index, in the middle or at the end of a segment', async (t) => {
    for (const where of ['middle', 'end'] as const) {
      const dir = await tempDir(t);
      await build(dir);
      // Find a record that is (or is not) the last record of its segment.
      let k = 3;
      for (; ; k++) {
        const here = await locate(dir, k);
        if ((here.name === (await locate(dir, k + 1)).name) === (where === 'middle')) break;
      }
      const { name, pos } = await locate(dir, k);
      await rewrite(dir, name, (fs) => fs.filter((_, i) => i !== pos));
      const r = await verifyAuditTrail(dir, masterKey);
      assert.deepEqual(pick(first(r.issues)), { kind: 'deleted', segment: name, index: k }, where);
    }
  });

  it('detects two reordered records at the first of them', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    let k = 5;
    while ((await locate(dir, k)).name !== (await locate(dir, k + 1)).name) k++;
    const { name, pos } = await locate(dir, k);
    await rewrite(dir, name, (fs) => {
      const out = [...fs];
      [out[pos], out[pos + 1]] = [out[pos + 1] as Frame, out[pos] as Frame];
      return out;
    });
    assert.deepEqual(pick(first((await verifyAuditTrail(dir, masterKey)).issues)), { kind: 'reordered', segment: name, index: k });
  });

  it('detects a truncated segment in the middle of the log and at its end', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const names = await segments(dir);
    const mid = names[1] as string;
    const size = (await readFile(join(dir, 'segments', mid))).length;
    await truncate(join(dir, 'segments', mid), size - 20);
    const r = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual({ kind: first(r.issues).kind, segment: first(r.issues).segment }, { kind: 'truncated', segment: mid });

    const dir2 = await tempDir(t);
    await build(dir2);
    const last = (await segments(dir2)).at(-1) as string;
    const size2 = (await readFile(join(dir2, 'segments', last))).length;
    await truncate(join(dir2, 'segments', last), size2 - 20);
    const r2 = await verifyAuditTrail(dir2, masterKey);
    assert.deepEqual({ kind: first(r2.issues).kind, segment: first(r2.issues).segment }, { kind: 'truncated', segment: last });
  });

  it('detects a deleted segment file', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const names = await segments(dir);
    await rm(join(dir, 'segments', names[2] as string));
    const r = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual({ kind: first(r.issues).kind, segment: first(r.issues).segment }, { kind: 'segment_missing', segment: names[3] });
    assert.ok(r.issues.some((i) => i.kind === 'deleted' && i.segment === names[3]), JSON.stringify(r.issues));
  });

  it('detects an added file and a renamed segment', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    await writeFile(join(dir, 'segments', 'extra.log'), 'x');
    assert.deepEqual(pick(first((await verifyAuditTrail(dir, masterKey)).issues)), { kind: 'unexpected_file', segment: 'extra.log' });
    await rm(join(dir, 'segments', 'extra.log'));
    const names = await segments(dir);
    const last = names.at(-1) as string;
    const renamed = String(Number(last.slice(0, 10)) + 1).padStart(10, '0') + '.seg';
    await cp(join(dir, 'segments', last), join(dir, 'segments', renamed));
    await rm(join(dir, 'segments', last));
    const r = await verifyAuditTrail(dir, masterKey);
    assert.ok(r.issues.some((i) => i.kind === 'segment_missing' && i.segment === renamed), JSON.stringify(r.issues));
    assert.ok(r.issues.some((i) => i.kind === 'bad_header' && i.segment === renamed), JSON.stringify(r.issues));
  });

  it('detects a forged record appended to the log', async (t) => {
    const dir = await tempDir(t);
    await build(dir, 20);
    const last = (await segments(dir)).at(-1) as string;
    const { frames: fs } = await frames(dir, last);
    const events = fs.filter((f) => f.type === FRAME_EVENT);
    const prev = leafHash((events.at(-1) as Frame).body);
    const body = Buffer.alloc(8 + 32 + 12 + 200);
    body.writeBigUInt64BE(20n, 0);
    prev.copy(body, 8);
    randomBytes(212).copy(body, 40);
    await appendFile(join(dir, 'segments', last), encodeFrame(FRAME_EVENT, body));
    const r = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual(pick(first(r.issues)), { kind: 'modified', segment: last, index: 20 });
  });

  it('detects a forged checkpoint (root changed, signature kept)', async (t) => {
    const dir = await tempDir(t);
    await build(dir);
    const name = (await segments(dir))[1] as string;
    await rewrite(dir, name, (fs) =>
      fs.map((f) => {
        if (f.type !== FRAME_CHECKPOINT) return f;
        const lines = f.body.toString('utf8').split('\n');
        lines[2] = Buffer.alloc(32, 7).toString('base64');
        return { type: f.type, body: Buffer.from(lines.join('\n')) };
      }),
    );
    const r = await verifyAuditTrail(dir, masterKey);
    assert.deepEqual({ kind: first(r.issues).kind, segment: first(r.issues).segment }, { kind: 'checkpoint_signature', segment: name });
  });

  it('detects a forked history against a checkpoint kept elsewhere, a spliced fork, and a rolled-back tail', async (t) => {
    const a = await tempDir(t);
    await build(a, 6, 0, 'a');
    const b = await tempDir(t);
    await cp(a, b, { recursive: true });
    const cpA = await build(a, 6, 6, 'a');
    await build(b, 6, 6, 'b');
    // B alone is self-consistent (same keys): only a checkpoint held outside exposes the fork.
    assert.equal((await verifyAuditTrail(b, masterKey)).ok, true);
    assert.equal((await verifyAuditTrail(a, masterKey, { knownCheckpoints: [cpA] })).ok, true);
    const forked = await verifyAuditTrail(b, masterKey, { knownCheckpoints: [cpA] });
    assert.equal(first(forked.issues).kind, 'fork');
    assert.equal(first(forked.issues).index, 12);

    // Splice: A's history, then a segment of B, then A continues.
    await build(a, 3, 12, 'a');
    const namesA = await segments(a);
    const namesB = await segments(b);
    const firstForked = namesB.find((n, i) => namesA[i] === n) && namesB.findIndex((n) => !namesA.includes(n));
    const shared = namesA.filter((n) => namesB.includes(n));
    let divergent = '';
    for (const n of shared) {
      if (!(await readFile(join(a, 'segments', n))).equals(await readFile(join(b, 'segments', n)))) {
        divergent = n;
        break;
      }
    }
    assert.ok(divergent !== '' && firstForked !== undefined, 'test layout: the histories diverge in a shared segment number');
    await cp(join(b, 'segments', divergent), join(a, 'segments', divergent));
    const spliced = await verifyAuditTrail(a, masterKey);
    assert.equal(spliced.ok, false);
    assert.ok(spliced.issues.some((i) => (i.kind === 'chain_break' || i.kind === 'fork' || i.kind === 'deleted' || i.kind === 'inserted') && i.segment !== undefined && i.segment > divergent), JSON.stringify(spliced.issues));

    // Rollback: drop the newest segments (and their checkpoints) of an intact trail.
    const c = await tempDir(t);
    await build(c, 6);
    const before = await segments(c);
    const cpC = await build(c, 6, 6);
    for (const n of await segments(c)) if (!before.includes(n)) await rm(join(c, 'segments', n));
    assert.equal((await verifyAuditTrail(c, masterKey)).ok, true, 'a clean rollback is invisible without an outside checkpoint');
    const rolled = await verifyAuditTrail(c, masterKey, { knownCheckpoints: [cpC] });
    assert.equal(first(rolled.issues).kind, 'truncated');
  });
});

function pick(i: AuditIssue): Partial<AuditIssue> {
  return { kind: i.kind, ...(i.segment !== undefined ? { segment: i.segment } : {}), ...(i.index !== undefined ? { index: i.index } : {}) };
}

async function currentVkey(dir: string): Promise<string> {
  const id = (await readFile(join(dir, 'keys', 'current'), 'utf8')).trim();
  return (await readFile(join(dir, 'keys', `${id}.vkey`), 'utf8')).split('\n')[0] as string;
}
