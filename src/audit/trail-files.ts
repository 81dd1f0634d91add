/** Locations inside an audit directory, the TRAIL identity file and segment listing. */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CofferError } from '../shared/index.js';
import { SEGMENT_NAME_RE } from './format.js';
import { writeFileDurable } from './fs-util.js';

export interface TrailIdentity {
  format: 'coffer-audit';
  version: 1;
  origin: string;
}

export const segmentsDir = (dir: string) => join(dir, 'segments');

export async function readTrailIdentity(dir: string): Promise<TrailIdentity | null> {
  let text: string;
  try {
    text = await readFile(join(dir, 'TRAIL'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    v = null;
  }
  const t = v as Partial<TrailIdentity> | null;
  if (!t || t.format !== 'coffer-audit' || t.version !== 1 || typeof t.origin !== 'string' || !/^[\x21-\x7e]+$/.test(t.origin) || t.origin.includes('+')) {
    throw new CofferError('audit.bad_trail_file', { message: 'audit TRAIL file is malformed or has an unsupported version' });
  }
  return t as TrailIdentity;
}

export async function createTrailIdentity(dir: string, accountId: string, region: string): Promise<TrailIdentity> {
  if (!/^[A-Za-z0-9-]+$/.test(accountId) || !/^[a-z0-9-]+$/.test(region)) {
    throw new CofferError('audit.invalid_option', { message: 'accountId or region has an invalid form' });
  }
  const id: TrailIdentity = { format: 'coffer-audit', version: 1, origin: `coffer.audit/${accountId}/${region}/${randomBytes(8).toString('hex')}` };
  await writeFileDurable(join(dir, 'TRAIL'), JSON.stringify(id) + '\n');
  return id;
}

export interface SegmentListing {
  /** Segment files in order of their number. */
  segments: { name: string; segmentNumber: number }[];
  /** Other entries in the segments directory (temp files of an interrupted rotation excluded). */
  unexpected: string[];
}

export async function listSegments(dir: string): Promise<SegmentListing> {
  let names: string[];
  try {
    names = await readdir(segmentsDir(dir));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { segments: [], unexpected: [] };
    throw e;
  }
  const segments: SegmentListing['segments'] = [];
  const unexpected: string[] = [];
  for (const name of names) {
    const m = SEGMENT_NAME_RE.exec(name);
    if (m) segments.push({ name, segmentNumber: Number(m[1]) });
    else if (!/^\..*\.tmp$/.test(name)) unexpected.push(name);
  }
  segments.sort((a, b) => a.segmentNumber - b.segmentNumber);
  return { segments, unexpected: unexpected.sort() };
}
