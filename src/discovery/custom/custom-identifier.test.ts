import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isCofferError } from '../../shared/errors.js';
import { createScanner } from '../engine/scanner.js';
import type { TextUnit } from '../types.js';
import { compileAllowList } from './allow-list.js';
import { compileCustomIdentifier } from './custom-identifier.js';
import { parseCustomIdentifiers } from './load.js';

const hashKey = randomBytes(32);
const textUnit = (text: string, contextKeywords?: string[]): TextUnit => ({
  text,
  location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 },
  ...(contextKeywords !== undefined ? { contextKeywords } : {}),
});

function found(defs: unknown[], unit: TextUnit): string[] {
  const scanner = createScanner({ customIdentifiers: defs.map((d) => compileCustomIdentifier(d)), hashKey });
  return scanner.scanUnit(unit).map((m) => `${m.identifier}=${m.text}`);
}

describe('compileCustomIdentifier', () => {
  it('finds every match of the regex when no keyword is configured', () => {
    assert.deepEqual(found([{ name: 'EMPLOYEE_ID', regex: 'EMP-\\d{6}' }], textUnit('ids EMP-123456 and EMP-654321, not EMP-12')), [
      'EMPLOYEE_ID=EMP-123456', 'EMPLOYEE_ID=EMP-654321',
    ]);
  });

  it('reports a match only when a keyword precedes it within the maximum match distance, measured to the end of the match', () => {
    const def = { name: 'ORDER_REF', regex: '[A-Z]{2}\\d{8}', keywords: ['order ref'], maximumMatchDistance: 20 };
    // keyword end -> match end: " is " (4) + 10 = 14 <= 20
    assert.deepEqual(found([def], textUnit('order ref is AB12345678')), ['ORDER_REF=AB12345678']);
    // 12 chars of padding + 10 = 22 > 20, although the match START is only 12 away
    assert.deepEqual(found([def], textUnit('order ref           : AB12345678')), []);
    assert.deepEqual(found([def], textUnit('reference AB12345678')), []);
    // a keyword after the match does not count
    assert.deepEqual(found([def], textUnit('AB12345678 order ref')), []);
  });

  it('matches keywords case-insensitively and with _ or - instead of spaces', () => {
    const def = { name: 'ORDER_REF', regex: '[A-Z]{2}\\d{8}', keywords: ['order ref'] };
    assert.deepEqual(found([def], textUnit('ORDER_REF: AB12345678')), ['ORDER_REF=AB12345678']);
    assert.deepEqual(found([def], textUnit('Order-Ref AB12345678')), ['ORDER_REF=AB12345678']);
  });

  it('accepts a keyword carried by the column name or JSON path of the unit', () => {
    const def = { name: 'ORDER_REF', regex: '[A-Z]{2}\\d{8}', keywords: ['order ref'] };
    assert.deepEqual(found([def], textUnit('AB12345678', ['order_ref'])), ['ORDER_REF=AB12345678']);
    assert.deepEqual(found([def], textUnit('AB12345678', ['customer'])), []);
  });

  it('drops matches that contain an ignore word, case-sensitively', () => {
    const def = { name: 'PROJECT_CODE', regex: 'PRJ-[A-Za-z0-9]{4,12}', ignoreWords: ['TEST', 'demo'] };
    assert.deepEqual(found([def], textUnit('PRJ-TEST1 PRJ-X9demo PRJ-Test2 PRJ-ABCD')), [
      'PROJECT_CODE=PRJ-Test2', 'PROJECT_CODE=PRJ-ABCD',
    ]);
  });

  it('supports inline case-insensitivity flags as Macie does', () => {
    assert.deepEqual(found([{ name: 'TICKET', regex: '(?i)ticket-\\d{3}' }], textUnit('TICKET-123 ticket-456')), [
      'TICKET=TICKET-123', 'TICKET=ticket-456',
    ]);
  });

  it('is dropped by an allow list like any identifier', () => {
    const scanner = createScanner({
      customIdentifiers: [compileCustomIdentifier({ name: 'EMPLOYEE_ID', regex: 'EMP-\\d{6}' })],
      allowList: compileAllowList({ texts: ['emp-000000'], regex: 'EMP-9\\d{5}' }),
      hashKey,
    });
    assert.deepEqual(scanner.scanUnit(textUnit('EMP-000000 EMP-912345 EMP-123456')).map((m) => m.text), ['EMP-123456']);
  });

  it('maps occurrence counts to severity by the configured levels, and reports nothing below the lowest', () => {
    const d = compileCustomIdentifier({
      name: 'X', regex: 'x',
      severityLevels: [{ occurrencesThreshold: 1, severity: 'LOW' }, { occurrencesThreshold: 10, severity: 'MEDIUM' }, { occurrencesThreshold: 50, severity: 'HIGH' }],
    });
    assert.equal(d.severityForCount?.(1), 'Low');
    assert.equal(d.severityForCount?.(9), 'Low');
    assert.equal(d.severityForCount?.(10), 'Medium');
    assert.equal(d.severityForCount?.(50), 'High');
    const high = compileCustomIdentifier({ name: 'Y', regex: 'y', severityLevels: [{ occurrencesThreshold: 5, severity: 'HIGH' }] });
    assert.equal(high.severityForCount?.(4), null);
    assert.equal(high.severityForCount?.(5), 'High');
  });

  it('defaults to MEDIUM at any count and to a maximum match distance of 50', () => {
    const d = compileCustomIdentifier({ name: 'Z', regex: 'z', keywords: ['zed'] });
    assert.equal(d.severityForCount?.(1), 'Medium');
    assert.equal(d.maxDistance, 50);
    assert.equal(d.category, 'CustomIdentifier');
    assert.equal(d.keywordRequired, true);
  });

  it('reports count-based severity in the object findings, and omits types below their threshold', () => {
    const scanner = createScanner({
      customIdentifiers: [
        compileCustomIdentifier({ name: 'A_CODE', regex: 'A\\d{3}', severityLevels: [{ occurrencesThreshold: 1, severity: 'LOW' }, { occurrencesThreshold: 3, severity: 'HIGH' }] }),
        compileCustomIdentifier({ name: 'B_CODE', regex: 'B\\d{3}', severityLevels: [{ occurrencesThreshold: 5, severity: 'MEDIUM' }] }),
      ],
      hashKey,
    });
    const obj = scanner.newObject();
    const unit = textUnit('A123 A124 A125 B100 B200');
    obj.add(unit, scanner.scanUnit(unit));
    const f = obj.finish();
    assert.deepEqual(f.detections.map((d) => [d.type, d.severity, d.count]), [['A_CODE', 'High', 3]]);
    assert.equal(f.type, 'SensitiveData:S3Object/CustomIdentifier');
  });
});

describe('custom identifier validation', () => {
  const invalid = (input: unknown): string => {
    try {
      compileCustomIdentifier(input);
    } catch (e) {
      assert.ok(isCofferError(e), String(e));
      return e.message;
    }
    assert.fail('expected a validation error');
  };

  it('names each invalid field with the constraint it breaks', () => {
    const msg = invalid({
      name: 'BAD', regex: 'a', keywords: ['ab', 'x'.repeat(91)], ignoreWords: ['abc'], maximumMatchDistance: 301,
    });
    assert.match(msg, /keywords\[0\]: .*>=3/);
    assert.match(msg, /keywords\[1\]: .*<=90/);
    assert.match(msg, /ignoreWords\[0\]: .*>=4/);
    assert.match(msg, /maximumMatchDistance: .*<=300/);
  });

  it('limits keywords to 50, ignore words to 10, the regex to 512 characters and severity levels to 3', () => {
    assert.match(invalid({ name: 'K', regex: 'a', keywords: Array.from({ length: 51 }, (_, i) => `kw${i}x`) }), /keywords: .*<=50/);
    assert.match(invalid({ name: 'I', regex: 'a', ignoreWords: Array.from({ length: 11 }, (_, i) => `word${i}`) }), /ignoreWords: .*<=10/);
    assert.match(invalid({ name: 'R', regex: 'a'.repeat(513) }), /regex: .*<=512/);
    const levels = [1, 2, 3, 4].map((n) => ({ occurrencesThreshold: n, severity: 'LOW' }));
    assert.match(invalid({ name: 'S', regex: 'a', severityLevels: levels }), /severityLevels: .*<=3/);
  });

  it('rejects a maximum match distance below 1, unknown fields and missing required fields', () => {
    assert.match(invalid({ name: 'D', regex: 'a', maximumMatchDistance: 0 }), /maximumMatchDistance: .*>=1/);
    assert.match(invalid({ name: 'U', regex: 'a', regexFlags: 'i' }), /regexFlags/);
    assert.match(invalid({ regex: 'a' }), /name: /);
    assert.match(invalid({ name: 'N' }), /regex: /);
  });

  it('requires severity thresholds in ascending order, each severity once', () => {
    assert.match(invalid({ name: 'O', regex: 'a', severityLevels: [{ occurrencesThreshold: 10, severity: 'LOW' }, { occurrencesThreshold: 5, severity: 'HIGH' }] }),
      /ascending/);
    assert.match(invalid({ name: 'T', regex: 'a', severityLevels: [{ occurrencesThreshold: 1, severity: 'LOW' }, { occurrencesThreshold: 5, severity: 'LOW' }] }),
      /once/);
    assert.match(invalid({ name: 'V', regex: 'a', severityLevels: [{ occurrencesThreshold: 1, severity: 'CRITICAL' }] }), /severity/);
  });

  it('rejects a regex with a back-reference when the definition is compiled', () => {
    assert.throws(() => compileCustomIdentifier({ name: 'B', regex: '(\\d)\\1' }), (e: unknown) => isCofferError(e, 'discovery.invalid_regex'));
  });

  it('rejects names that cannot be selected on the command line', () => {
    assert.match(invalid({ name: 'A,B', regex: 'a' }), /name: .*commas/);
    assert.match(invalid({ name: ' A', regex: 'a' }), /name: /);
  });

  it('rejects duplicate names in one file, in both file shapes', () => {
    const defs = [{ name: 'A', regex: 'a' }, { name: 'A', regex: 'b' }];
    assert.throws(() => parseCustomIdentifiers(defs), (e: unknown) => isCofferError(e, 'discovery.invalid_custom_identifier') && /\[1\]\.name: duplicate/.test(e.message));
    assert.throws(() => parseCustomIdentifiers({ customDataIdentifiers: defs }), /duplicate/);
    assert.equal(parseCustomIdentifiers({ customDataIdentifiers: [defs[0]] }).length, 1);
  });
});
