import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isQuarantined, quarantineLevel, reachesLevel } from './quarantine.js';

describe('quarantine levels', () => {
  it('takes a job tag first, then the bucket, then *, else off', () => {
    const settings = { '*': 'high', payroll: 'medium' } as const;
    assert.equal(quarantineLevel(settings, 'payroll'), 'medium');
    assert.equal(quarantineLevel(settings, 'photos'), 'high');
    assert.equal(quarantineLevel({}, 'photos'), 'off');
    assert.equal(quarantineLevel(settings, 'photos', { 'coffer:quarantine': 'low' }), 'low');
    // An unknown job tag value does not weaken the bucket's level.
    assert.equal(quarantineLevel(settings, 'payroll', { 'coffer:quarantine': 'everything' }), 'medium');
  });

  it('quarantines findings at or above the level, never when off', () => {
    assert.equal(reachesLevel('High', 'high'), true);
    assert.equal(reachesLevel('Medium', 'high'), false);
    assert.equal(reachesLevel('Medium', 'medium'), true);
    assert.equal(reachesLevel('Low', 'low'), true);
    assert.equal(reachesLevel('Low', 'medium'), false);
    assert.equal(reachesLevel('High', 'off'), false);
  });

  it('treats only the active tag as quarantined', () => {
    assert.equal(isQuarantined({ 'coffer:quarantine': 'active' }), true);
    assert.equal(isQuarantined({ 'coffer:quarantine': 'released' }), false);
    assert.equal(isQuarantined({}), false);
    assert.equal(isQuarantined(null), false);
  });
});
