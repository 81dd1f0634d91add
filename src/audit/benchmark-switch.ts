/**
 * The benchmark-only switch that turns auditing off, so `npm run bench` can measure what durable
 * auditing costs against the same build without it (issue goal: at most 15% of small-object PUT
 * throughput).
 *
 *   how it is set  = only programmatically: startCoffer(config, { benchmarkOnlyDisableAudit: true }),
 *                    which only bench/feature-switch-server.ts calls. It is NOT a config setting,
 *                    an environment variable or a CLI flag, so no deployment (`coffer server`) can
 *                    turn auditing off, by mistake or by an attacker who controls the environment.
 *   what it does   = the trail stays open (checkpoints, lookups, verify work), but record()
 *                    resolves at once without writing, and the S3 audit hook is not installed,
 *                    so the request path skips event building, redaction, encryption, hashing and
 *                    the fsync: "auditing disabled" in the sense the goal compares against.
 */
import type { AuditTrail } from './trail.js';

const UNAUDITED = Symbol('coffer.audit.unaudited-for-benchmark');

/** A view of `trail` that records nothing. For benchmarks only (see the file comment). */
export function unauditedForBenchmark(trail: AuditTrail): AuditTrail {
  const record: AuditTrail['record'] = async (event) => ({ index: -1, eventID: event.eventID });
  // Every other member acts on the real trail (methods bound to it, so its state stays in one place).
  return new Proxy(trail, {
    get(target, prop) {
      if (prop === UNAUDITED) return true;
      if (prop === 'record') return record;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/** True for a trail from unauditedForBenchmark (request-path hooks then skip building events). */
export function isUnauditedForBenchmark(trail: AuditTrail | null | undefined): boolean {
  return !!trail && (trail as { [UNAUDITED]?: true })[UNAUDITED] === true;
}
