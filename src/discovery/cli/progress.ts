/**
 * A one-line progress display for `coffer scan` on a terminal (stderr only, so that standard
 * output stays machine-readable): bytes and objects scanned, rate, and the current object.
 * When stderr is not a TTY nothing is drawn at all.
 */
import type { WriteStream } from 'node:tty';

export interface Progress {
  /** Totals, when the source knows them up front (local files): a bar and a percentage are drawn. */
  expect(totalBytes: number, totalObjects: number): void;
  /** A new object starts (its name is shown, truncated). */
  object(name: string): void;
  /** `n` more bytes of the current object were read. */
  bytes(n: number): void;
  /** The current object is done. */
  objectDone(): void;
  /** Clears the line. Call once at the end. */
  stop(): void;
}

const NOOP: Progress = { expect() {}, object() {}, bytes() {}, objectDone() {}, stop() {} };

/** Human-readable byte count with binary units: `12.3 MiB`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * Returns a progress display drawing on `stream` when it is a TTY, otherwise one that does nothing.
 * `now` is injectable for tests. Redraws at most every 100 ms.
 */
export function createProgress(stream: NodeJS.WriteStream | WriteStream, now: () => number = Date.now): Progress {
  if (!stream.isTTY) return NOOP;
  const started = now();
  let bytes = 0;
  let objects = 0;
  let current = '';
  let total: { bytes: number; objects: number } | null = null;
  let lastDraw = 0;
  let lastLen = 0;
  const frames = ['|', '/', '-', '\\'];
  let frame = 0;

  const draw = (force: boolean): void => {
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    const secs = Math.max((t - started) / 1000, 0.001);
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const rate = `${formatBytes(bytes / secs)}/s`;
    let head: string;
    if (total !== null) {
      const frac = total.bytes > 0 ? Math.min(1, bytes / total.bytes) : total.objects > 0 ? objects / total.objects : 1;
      const filled = Math.round(frac * 20);
      head = `[${'#'.repeat(filled)}${'.'.repeat(20 - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}%  ` +
        `${formatBytes(bytes)}/${formatBytes(total.bytes)}  ${objects}/${total.objects} objects  ${rate}  `;
    } else {
      head = `${frames[frame++ % frames.length]} ${formatBytes(bytes)}  ${objects} object${objects === 1 ? '' : 's'}  ${rate}  `;
    }
    const room = width - head.length;
    const name = room <= 3 ? '' : current.length <= room ? current : `…${current.slice(current.length - room + 1)}`;
    const line = head + name;
    stream.write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`);
    lastLen = line.length;
  };

  return {
    expect(totalBytes, totalObjects) { total = { bytes: totalBytes, objects: totalObjects }; },
    object(name) { current = name; draw(false); },
    bytes(n) { bytes += n; draw(false); },
    objectDone() { objects++; draw(false); },
    stop() {
      if (lastLen > 0) stream.write(`\r${' '.repeat(lastLen)}\r`);
      lastLen = 0;
    },
  };
}
