/** Helpers shared by the format reader tests (not part of the public API). */
import { Readable } from 'node:stream';
import type { SkippedPart } from '../types.js';
import { readUnits } from './read-units.js';
import { positionIn, type TextPosition } from './text-chunker.js';
import type { ReadEvent, ReadOptions, ScanUnit } from './types.js';

export interface Collected { events: ReadEvent[]; units: ScanUnit[]; skipped: SkippedPart[]; formats: string[] }

export async function collect(input: Buffer | string | AsyncIterable<Buffer>, opts: ReadOptions = {}): Promise<Collected> {
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? Readable.from([Buffer.from(input)]) : input;
  const events: ReadEvent[] = [];
  for await (const ev of readUnits(source, opts)) events.push(ev);
  return {
    events,
    units: events.flatMap((e) => (e.type === 'unit' ? [e.unit] : [])),
    skipped: events.flatMap((e) => (e.type === 'skipped' ? [e.part] : [])),
    formats: events.flatMap((e) => (e.type === 'format' ? [`${e.container.join(' > ')}:${e.format}`] : [])),
  };
}

/** The unit owning the first occurrence of `marker` (starting inside its own range) and the index in it. */
export function find(units: ScanUnit[], marker: string): { unit: ScanUnit; index: number } {
  for (const unit of units) {
    let i = unit.text.indexOf(marker);
    while (i >= 0) {
      if (i >= unit.ownStart && i < unit.ownEnd) return { unit, index: i };
      i = unit.text.indexOf(marker, i + 1);
    }
  }
  throw new Error(`marker ${marker} not found`);
}

/** Every owned occurrence of `marker` across units (each should be reported once). */
export function countOwned(units: ScanUnit[], marker: string): number {
  let n = 0;
  for (const unit of units) {
    for (let i = unit.text.indexOf(marker); i >= 0; i = unit.text.indexOf(marker, i + 1)) {
      if (i >= unit.ownStart && i < unit.ownEnd) n++;
    }
  }
  return n;
}

/** Absolute position of the first owned occurrence of `marker` in text-like units. */
export function where(units: ScanUnit[], marker: string): TextPosition & { page?: number; container?: string[] } {
  const { unit, index } = find(units, marker);
  const loc = unit.location;
  if (loc.kind !== 'text' && loc.kind !== 'page') throw new Error(`marker ${marker} is in a ${loc.kind} unit`);
  const pos = positionIn({ line: loc.startLine, column: loc.startColumn, offset: loc.startOffset }, unit.text, index);
  const page = loc.kind === 'page' ? loc.page : loc.page;
  return { ...pos, ...(page === undefined ? {} : { page }), ...(unit.container ? { container: unit.container } : {}) };
}

/** Splits a buffer into chunks of `size` bytes (exercises chunk boundaries). */
export async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
