/**
 * A duty-cycle limiter shared by every scan in the process, so classification never takes more
 * than a fraction of one core from request serving:
 *
 *   pace():  busy  = now - resumedAt            (time the scan ran since it last yielded)
 *            debt += busy * (1 - f) / f         (the idle time that keeps busy / total <= f)
 *            debt > 5 ms ? sleep(debt), debt = 0 : setImmediate   (always let I/O callbacks run)
 *            resumedAt = now
 *
 * Scans call `pace()` between chunks; the time between a chunk and the next call is the parser's
 * and detectors' synchronous work on it.
 */
import { setImmediate as yieldNow, setTimeout as sleep } from 'node:timers/promises';

export interface CpuBudget {
  /** Yields to the event loop, sleeping as long as the budget requires. */
  pace(): Promise<void>;
  /** Marks the start of a busy stretch (after waiting for input that was not CPU work). */
  resume(): void;
  readonly fraction: number;
}

export function createCpuBudget(fraction: number, now: () => number = () => performance.now()): CpuBudget {
  const f = Math.min(1, Math.max(0.01, fraction));
  let resumedAt = now();
  let debt = 0;
  return {
    fraction: f,
    resume() {
      resumedAt = now();
    },
    async pace() {
      const busy = Math.max(0, now() - resumedAt);
      debt += (busy * (1 - f)) / f;
      if (debt > 5) {
        const wait = Math.min(debt, 1000);
        debt = 0;
        await sleep(wait);
      } else {
        await yieldNow();
      }
      resumedAt = now();
    },
  };
}
