/**
 * Server resource sampling from /proc (Linux): resident memory and CPU time of a process and
 * its descendants (nginx workers, for instance), sampled on an interval while a load runs.
 *
 *   cpu seconds = (utime + stime) / CLK_TCK   from /proc/PID/stat fields 14 and 15
 *   rss bytes   = VmRSS                       from /proc/PID/status (summed over the tree)
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf missing: Linux's USER_HZ is 100 on every mainstream architecture.
}

function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The process and all its descendants, by walking /proc/PID/task/TID/children. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    out.push(p);
    const tasks = read(`/proc/${p}/task/${p}/children`);
    if (tasks) for (const c of tasks.trim().split(/\s+/)) if (c) queue.push(Number(c));
  }
  return out;
}

/** CPU seconds (user + system) consumed so far by one process; NaN if it is gone. */
export function cpuSeconds(pid: number): number {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return NaN;
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clkTck;
}

/** Current resident set size in bytes; NaN if the process is gone. */
export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(read(`/proc/${pid}/status`) ?? '');
  return m ? Number(m[1]) * 1024 : NaN;
}

export interface ResourceUsage {
  /** Highest summed RSS seen while sampling, in bytes. */
  peakRssBytes: number;
  /** CPU seconds used by the tree during the window. */
  cpuSeconds: number;
  /** cpuSeconds / wall seconds: 1.0 means one core fully busy. */
  cores: number;
}

export interface ResourceSampler {
  stop(): ResourceUsage;
}

/** Samples RSS every `intervalMs` (default 50 ms) and CPU time at start and stop. */
export function sampleResources(pid: number, intervalMs = 50): ResourceSampler {
  const started = performance.now();
  const pids = processTree(pid);
  const cpu0 = new Map(pids.map((p) => [p, cpuSeconds(p)]));
  let peak = 0;
  const sample = () => {
    let sum = 0;
    for (const p of processTree(pid)) sum += rssBytes(p) || 0;
    if (sum > peak) peak = sum;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      sample();
      const wall = (performance.now() - started) / 1000;
      let used = 0;
      for (const p of processTree(pid)) {
        const now = cpuSeconds(p);
        if (Number.isNaN(now)) continue;
        used += now - (cpu0.get(p) ?? 0);
      }
      return { peakRssBytes: peak, cpuSeconds: used, cores: wall > 0 ? used / wall : 0 };
    },
  };
}
