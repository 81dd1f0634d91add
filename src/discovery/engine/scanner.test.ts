import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedDetectors } from '../detectors/index.js';
import { regexDetector } from '../detectors/define.js';
import { isCofferError } from '../../shared/errors.js';
import type { TextUnit } from '../types.js';
import type { AllowList, Detector } from './model.js';
import { createScanner } from './scanner.js';

const hashKey = Buffer.alloc(32, 1);
const text = (t: string, contextKeywords?: string[]): TextUnit => ({
  text: t, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 }, ...(contextKeywords ? { contextKeywords } : {}),
});
const ids = (ms: ReadonlyArray<{ identifier: string }>): string[] => ms.map((m) => m.identifier);

/** A custom identifier the way src/discovery/custom plugs one in: any Detector works. */
function employeeId(opts: Partial<Detector> = {}): Detector {
  return {
    ...regexDetector({
      id: 'EMPLOYEE_ID', category: 'CustomIdentifier', severity: 'Medium', description: 'employee id',
      trigger: { kind: 'always' }, pattern: /EMP-\d{6}/g, keywords: ['employee'], maxDistance: 50, keywordRequired: false,
    }),
    ...opts,
  };
}

describe('createScanner', () => {
  it('rejects a missing or short hash key', () => {
    assert.throws(() => createScanner({ hashKey: Buffer.alloc(8) }), (e) => isCofferError(e, 'discovery.invalid_hash_key'));
  });

  it('rejects an unknown identifier in the selection', () => {
    assert.throws(() => createScanner({ detectors: managedDetectors(), identifiers: ['NOPE'], hashKey }), (e) => isCofferError(e, 'discovery.unknown_identifier'));
  });

  it('reports only the selected identifiers but still runs what they depend on', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['CREDIT_CARD_SECURITY_CODE'], hashKey });
    const m = s.scanUnit(text('card 4111 1111 1111 1111 cvv 123, ssn 123-45-6788'));
    assert.deepEqual(ids(m), ['CREDIT_CARD_SECURITY_CODE']);
    assert.ok(s.detectors.some((d) => d.id === 'CREDIT_CARD_NUMBER'));
  });

  it('selects the no-keyword card variant by its own id', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['CREDIT_CARD_NUMBER_(NO_KEYWORD)'], hashKey });
    assert.deepEqual(ids(s.scanUnit(text('ref 4111111111111111; card 5555555555554444'))), ['CREDIT_CARD_NUMBER_(NO_KEYWORD)']);
  });

  it('counts a keyword only within the maximum distance before the match', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['ABA_ROUTING_NUMBER'], hashKey });
    assert.equal(s.scanUnit(text('routing number 021000021')).length, 1);
    assert.equal(s.scanUnit(text(`routing number${' '.repeat(40)}021000021`)).length, 0);
    assert.equal(s.scanUnit(text('021000021 is the routing number')).length, 0, 'keywords must precede');
  });

  it('accepts keyword variants with underscores, hyphens or no spaces, in any case', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['ABA_ROUTING_NUMBER'], hashKey });
    for (const kw of ['ROUTING_NUMBER', 'routing-number', 'RoutingNumber', 'bank routing']) assert.equal(s.scanUnit(text(`${kw}: 021000021`)).length, 1, kw);
  });

  it('treats unit context keywords (column names, JSON paths) as present', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['ABA_ROUTING_NUMBER'], hashKey });
    assert.equal(s.scanUnit(text('021000021', ['routingNumber'])).length, 1);
    assert.equal(s.scanUnit(text('021000021', ['order_id'])).length, 0);
  });

  it('plugs custom detectors into the same pipeline', () => {
    const s = createScanner({ detectors: managedDetectors(), customIdentifiers: [employeeId()], hashKey });
    const m = s.scanUnit(text('employee EMP-123456 has SSN 123-45-6788'));
    assert.deepEqual(ids(m), ['EMPLOYEE_ID', 'USA_SOCIAL_SECURITY_NUMBER']);
    assert.equal(m[0]!.category, 'CustomIdentifier');
    assert.equal(m[0]!.confidence, 'High', 'keyword raised the confidence');
  });

  it('rejects two detectors with the same id', () => {
    assert.throws(() => createScanner({ customIdentifiers: [employeeId(), employeeId()], hashKey }), (e) => isCofferError(e, 'discovery.duplicate_identifier'));
  });

  it('drops matches an allow list allows', () => {
    const allow: AllowList = { allows: (t) => t.replace(/\D/g, '') === '4111111111111111' };
    const s = createScanner({ detectors: managedDetectors(), allowList: [allow], hashKey });
    assert.deepEqual(ids(s.scanUnit(text('card 4111 1111 1111 1111 and card 5555 5555 5555 4444'))), ['CREDIT_CARD_NUMBER']);
  });

  it('measures custom keyword distance to the end of the match when asked', () => {
    const d = { ...employeeId(), keywordRequired: true, maxDistance: 12, distanceTo: 'end' as const };
    const s = createScanner({ customIdentifiers: [d], hashKey });
    assert.equal(s.scanUnit(text('employee  EMP-123456')).length, 1, '12 chars from keyword end to match end');
    assert.equal(s.scanUnit(text('employee   EMP-123456')).length, 0, '13 chars');
  });

  it('drops matches preceded by a negative keyword', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['IP_ADDRESS'], hashKey });
    assert.equal(s.scanUnit(text('host 10.20.30.40')).length, 1);
    assert.equal(s.scanUnit(text('firmware 10.20.30.40')).length, 0);
  });

  it('returns offsets into the unit text, sorted by start', () => {
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    const t = 'mail bob@example.com then ssn 123-45-6788';
    const m = s.scanUnit(text(t));
    assert.deepEqual(m.map((x) => t.slice(x.start, x.end)), ['bob@example.com', '123-45-6788']);
    assert.ok(m[0]!.start < m[1]!.start);
  });

  it('scans batches of units with the same results as one unit at a time', () => {
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    const units = [text('4111111111111111', ['card_number']), text('routing 021000021'), text('nothing here'), text('bob@example.com'), text('123456789', ['ssn'])];
    const batch = s.scanUnits(units);
    assert.deepEqual(batch.map(ids), units.map((u) => ids(s.scanUnit(u))));
    assert.deepEqual(batch.map(ids), [['CREDIT_CARD_NUMBER'], ['ABA_ROUTING_NUMBER'], [], ['EMAIL_ADDRESS'], []]);
  });

  it('never matches across units of a batch, and keywords do not leak between units', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['CREDIT_CARD_NUMBER', 'CREDIT_CARD_NUMBER_(NO_KEYWORD)', 'ABA_ROUTING_NUMBER'], hashKey });
    assert.deepEqual(s.scanUnits([text('4111 1111'), text('1111 1111')]).map(ids), [[], []]);
    assert.deepEqual(s.scanUnits([text('routing'), text('021000021')]).map(ids), [[], []]);
  });

  it('prefers the specific credential over the generic password on the same span', () => {
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    assert.deepEqual(ids(s.scanUnit(text('STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc'))), ['STRIPE_CREDENTIALS']);
  });

  it('scans a unit of several megabytes and finds values at its end', () => {
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    const filler = 'The quarterly review covered 3 regions and 12 product lines.\n'.repeat(60_000);
    const t = `${filler}SSN: 123-45-6788\n`;
    const m = s.scanUnit(text(t));
    assert.equal(t.length > 3_000_000, true);
    assert.deepEqual(ids(m), ['USA_SOCIAL_SECURITY_NUMBER']);
    assert.equal(m[0]!.start, filler.length + 5);
  });

  it('finds nothing in an empty unit', () => {
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    assert.deepEqual(s.scanUnit(text('')), []);
    assert.deepEqual(s.scanUnits([]), []);
  });
});
