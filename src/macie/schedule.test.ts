import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextRunAfter, validSchedule } from './schedule.js';

const at = (s: string) => Date.parse(s);
const iso = (t: number) => new Date(t).toISOString();

describe('classification job schedules', () => {
  it('runs daily at the next UTC midnight', () => {
    assert.equal(iso(nextRunAfter({ dailySchedule: {} }, at('2026-11-28T22:15:00Z'))), '2026-11-29T00:00:00.000Z');
  });
  it('runs weekly on the named day, never on the same instant', () => {
    // 2026-11-28 is a Saturday.
    assert.equal(iso(nextRunAfter({ weeklySchedule: { dayOfWeek: 'MONDAY' } }, at('2026-11-28T10:00:00Z'))), '2026-11-30T00:00:00.000Z');
    assert.equal(iso(nextRunAfter({ weeklySchedule: { dayOfWeek: 'SATURDAY' } }, at('2026-11-28T10:00:00Z'))), '2026-12-05T00:00:00.000Z');
  });
  it('runs monthly on the day of the month, on the last day of shorter months', () => {
    assert.equal(iso(nextRunAfter({ monthlySchedule: { dayOfMonth: 31 } }, at('2027-02-10T00:00:00Z'))), '2027-02-28T00:00:00.000Z');
    assert.equal(iso(nextRunAfter({ monthlySchedule: { dayOfMonth: 1 } }, at('2026-11-28T00:00:00Z'))), '2026-12-01T00:00:00.000Z');
  });
  it('rejects schedules without exactly one valid frequency', () => {
    assert.equal(validSchedule({ dailySchedule: {} }), null);
    assert.ok(validSchedule(undefined));
    assert.ok(validSchedule({ dailySchedule: {}, monthlySchedule: { dayOfMonth: 3 } }));
    assert.ok(validSchedule({ weeklySchedule: { dayOfWeek: 'FUNDAY' } }));
    assert.ok(validSchedule({ monthlySchedule: { dayOfMonth: 32 } }));
  });
});
