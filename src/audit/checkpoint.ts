/**
 * Signed checkpoints: C2SP signed notes carrying a tlog checkpoint (FORMAT.md "Frame type 2").
 *
 *   text  = origin \n size \n base64(root) \n seq N \n prev HEX|none \n time ISO \n chain HEX \n
 *   keyid = SHA-256(name || 0x0A || 0x01 || pub)[0..4]
 *   note  = text \n "— " name " " base64(keyid || Ed25519(text)) \n
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

const EM_DASH = '\u2014';

export interface CheckpointFields {
  origin: string;
  size: number;
  root: Buffer;
  seq: number;
  /** SHA-256 of the previous checkpoint note, or null for the first one. */
  prev: Buffer | null;
  time: Date;
  chain: Buffer;
}

export interface ParsedCheckpoint extends CheckpointFields {
  /** The signed bytes (every byte before the blank line). */
  text: string;
  signatures: { name: string; keyId: string; signature: Buffer }[];
}

export interface VerifierKey {
  name: string;
  keyId: string;
  publicKey: KeyObject;
  /** The vkey text, `name+hexkeyid+base64(0x01||pub)`. */
  vkey: string;
}

export function keyIdOf(name: string, rawPublicKey: Buffer): string {
  return createHash('sha256')
    .update(Buffer.from(name, 'utf8'))
    .update(Buffer.of(0x0a, 0x01))
    .update(rawPublicKey)
    .digest()
    .subarray(0, 4)
    .toString('hex');
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export function vkeyOf(name: string, publicKey: KeyObject): string {
  const raw = rawPublicKey(publicKey);
  return `${name}+${keyIdOf(name, raw)}+${Buffer.concat([Buffer.of(0x01), raw]).toString('base64')}`;
}

/** Parses a C2SP vkey for Ed25519; null if malformed or the key id does not match. */
export function parseVkey(vkey: string): VerifierKey | null {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/=]+)$/.exec(vkey.trim());
  if (!m) return null;
  const [, name, keyId, b64] = m as unknown as [string, string, string, string];
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length !== 33 || bytes[0] !== 0x01) return null;
  const raw = bytes.subarray(1);
  if (keyIdOf(name, raw) !== keyId) return null;
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return { name, keyId, publicKey, vkey: vkey.trim() };
  } catch {
    return null;
  }
}

export function checkpointText(f: CheckpointFields): string {
  return [
    f.origin,
    String(f.size),
    f.root.toString('base64'),
    `seq ${f.seq}`,
    `prev ${f.prev ? f.prev.toString('hex') : 'none'}`,
    `time ${f.time.toISOString()}`,
    `chain ${f.chain.toString('hex')}`,
    '',
  ].join('\n');
}

export function signCheckpoint(f: CheckpointFields, key: { name: string; keyId: string; privateKey: KeyObject }): string {
  const text = checkpointText(f);
  const sig = sign(null, Buffer.from(text, 'utf8'), key.privateKey);
  const line = `${EM_DASH} ${key.name} ${Buffer.concat([Buffer.from(key.keyId, 'hex'), sig]).toString('base64')}\n`;
  return `${text}\n${line}`;
}

/** Parses a checkpoint note; null when it is not well formed. Signatures are not checked here. */
export function parseCheckpoint(note: string): ParsedCheckpoint | null {
  const split = note.indexOf('\n\n');
  if (split < 0) return null;
  const text = note.slice(0, split + 1);
  const lines = text.split('\n');
  if (lines.length !== 8 || lines[7] !== '') return null;
  const [origin, sizeS, rootS, seqL, prevL, timeL, chainL] = lines as [string, string, string, string, string, string, string];
  if (!/^(0|[1-9]\d*)$/.test(sizeS)) return null;
  const root = Buffer.from(rootS, 'base64');
  const seq = /^seq (0|[1-9]\d*)$/.exec(seqL);
  const prev = /^prev (none|[0-9a-f]{64})$/.exec(prevL);
  const time = /^time (\S+)$/.exec(timeL);
  const chain = /^chain ([0-9a-f]{64})$/.exec(chainL);
  if (root.length !== 32 || !seq || !prev || !time || !chain) return null;
  const date = new Date(time[1] as string);
  if (Number.isNaN(date.getTime())) return null;
  const signatures: ParsedCheckpoint['signatures'] = [];
  for (const line of note.slice(split + 2).split('\n')) {
    if (line === '') continue;
    const m = new RegExp(`^${EM_DASH} (\\S+) ([A-Za-z0-9+/=]+)$`).exec(line);
    if (!m) return null;
    const raw = Buffer.from(m[2] as string, 'base64');
    if (raw.length < 5) return null;
    signatures.push({ name: m[1] as string, keyId: raw.subarray(0, 4).toString('hex'), signature: raw.subarray(4) });
  }
  return {
    origin,
    size: Number(sizeS),
    root,
    seq: Number(seq[1]),
    prev: prev[1] === 'none' ? null : Buffer.from(prev[1] as string, 'hex'),
    time: date,
    chain: Buffer.from(chain[1] as string, 'hex'),
    text,
    signatures,
  };
}

/**
 * The trusted key whose signature verifies, or null. As C2SP requires, signatures by unknown
 * keys are ignored, and a failing signature by a known key rejects the note.
 */
export function verifyCheckpointSignature(cp: ParsedCheckpoint, keys: ReadonlyMap<string, VerifierKey>): VerifierKey | null {
  let ok: VerifierKey | null = null;
  for (const s of cp.signatures) {
    const k = keys.get(s.keyId);
    if (!k || k.name !== s.name) continue;
    if (!verify(null, Buffer.from(cp.text, 'utf8'), k.publicKey, s.signature)) return null;
    ok = k;
  }
  return ok;
}

export function checkpointHash(note: string): Buffer {
  return createHash('sha256').update(note, 'utf8').digest();
}
