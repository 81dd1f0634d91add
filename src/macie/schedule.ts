/** When a scheduled classification job runs next (Macie's daily, weekly and monthly schedules, at 00:00 UTC). */

export interface ScheduleFrequency {
  dailySchedule?: Record<string, never>;
  weeklySchedule?: { dayOfWeek?: string };
  monthlySchedule?: { dayOfMonth?: number };
}

const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];
const DAY_MS = 86_400_000;

/** Null when the frequency is not a valid schedule. */
export function validSchedule(f: ScheduleFrequency | undefined): string | null {
  if (!f) return 'scheduleFrequency is required for a SCHEDULED job.';
  const kinds = [f.dailySchedule, f.weeklySchedule, f.monthlySchedule].filter((k) => k !== undefined).length;
  if (kinds !== 1) return 'scheduleFrequency must have exactly one of dailySchedule, weeklySchedule or monthlySchedule.';
  if (f.weeklySchedule && !DAYS.includes(f.weeklySchedule.dayOfWeek ?? '')) return 'weeklySchedule.dayOfWeek must be a day name such as MONDAY.';
  if (f.monthlySchedule) {
    const d = f.monthlySchedule.dayOfMonth;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 31) return 'monthlySchedule.dayOfMonth must be 1 to 31.';
  }
  return null;
}

/** The first run time strictly after `after` (epoch ms). */
export function nextRunAfter(f: ScheduleFrequency, after: number): number {
  const midnight = Math.floor(after / DAY_MS) * DAY_MS;
  if (f.weeklySchedule) {
    const want = DAYS.indexOf(f.weeklySchedule.dayOfWeek ?? 'SUNDAY');
    for (let d = 1; d <= 7; d++) {
      const t = midnight + d * DAY_MS;
      if (new Date(t).getUTCDay() === want) return t;
    }
  }
  if (f.monthlySchedule) {
    const want = f.monthlySchedule.dayOfMonth ?? 1;
    const base = new Date(midnight);
    for (let m = 0; m <= 2; m++) {
      const year = base.getUTCFullYear();
      const month = base.getUTCMonth() + m;
      const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
      const t = Date.UTC(year, month, Math.min(want, last));
      if (t > after) return t;
    }
  }
  return midnight + DAY_MS;
}
