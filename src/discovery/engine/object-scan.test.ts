import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { managedDetectors } from '../detectors/index.js';
import type { TextUnit } from '../types.js';
import type { Detector } from './model.js';
import { defaultMask, MAX_OCCURRENCES } from './object-scan.js';
import { createScanner } from './scanner.js';

const hashKey = Buffer.alloc(32, 5);
const scanner = createScanner({ detectors: managedDetectors(), hashKey });

function findingsOf(units: TextUnit[], s = scanner) {
  const obj = s.newObject();
  for (const u of units) obj.add(u, s.scanUnit(u));
  return obj.finish();
}

describe('ObjectScan', () => {
  it('reports nothing for an object without sensitive data', () => {
    const f = findingsOf([{ text: 'hello world', location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }]);
    assert.deepEqual(f, { type: null, category: null, severity: null, totalCount: 0, additionalOccurrences: false, detections: [] });
  });

  it('derives line ranges and offsets from the text unit location', () => {
    const text = 'first line\nsecond has SSN 123-45-6788\n';
    const f = findingsOf([{ text, location: { kind: 'text', startLine: 10, startColumn: 5, startOffset: 1000 } }]);
    const d = f.detections[0]!;
    assert.equal(d.type, 'USA_SOCIAL_SECURITY_NUMBER');
    const lr = d.occurrences.lineRanges![0]!;
    assert.deepEqual({ start: lr.start, end: lr.end, startColumn: lr.startColumn }, { start: 11, end: 11, startColumn: 16 });
    const or = d.occurrences.offsetRanges![0]!;
    assert.deepEqual({ start: or.start, end: or.end }, { start: 1000 + text.indexOf('123'), end: 1000 + text.indexOf('123') + 11 });
  });

  it('offsets the column of matches on the first line of a unit by the unit start column', () => {
    const f = findingsOf([{ text: 'SSN 123-45-6788', location: { kind: 'text', startLine: 3, startColumn: 21, startOffset: 0 } }]);
    assert.equal(f.detections[0]!.occurrences.lineRanges![0]!.startColumn, 25);
  });

  it('reports cells with row, column, column name and an Excel cell reference', () => {
    const f = findingsOf([
      { text: '123-45-6788', location: { kind: 'cell', row: 4, column: 3, columnName: 'ssn' }, contextKeywords: ['ssn'] },
      { text: '123-45-6788', location: { kind: 'cell', row: 2, column: 28, columnName: 'ssn', sheet: 'Staff' }, contextKeywords: ['ssn'] },
    ]);
    const cells = f.detections[0]!.occurrences.cells!;
    assert.deepEqual(cells.map((c) => [c.row, c.column, c.columnName, c.cellReference]), [[4, 3, 'ssn', null], [2, 28, 'ssn', 'Staff!AB2']]);
    assert.equal(f.detections[0]!.occurrences.lineRanges, undefined);
  });

  it('reports records with record index and JSON path, and pages for PDF text', () => {
    const f = findingsOf([
      { text: 'bob@example.com', location: { kind: 'record', recordIndex: 7, jsonPath: '$.customer.email' }, contextKeywords: ['customer', 'email'] },
      { text: 'x\nmail alice@example.com', location: { kind: 'page', page: 3, startLine: 1, startColumn: 1, startOffset: 0 } },
    ]);
    const occ = f.detections[0]!.occurrences;
    assert.deepEqual(occ.records!.map((r) => [r.recordIndex, r.jsonPath]), [[7, '$.customer.email']]);
    assert.equal(occ.pages![0]!.pageNumber, 3);
    assert.deepEqual(occ.pages![0]!.lineRange, { start: 2, end: 2, startColumn: 6 });
  });

  it('counts every occurrence but keeps at most 15 locations', () => {
    const text = Array.from({ length: 20 }, (_, i) => `user${i}@example.com`).join('\n');
    const f = findingsOf([{ text, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }]);
    const d = f.detections[0]!;
    assert.equal(d.count, 20);
    assert.equal(d.distinctCount, 20);
    assert.equal(d.occurrences.lineRanges!.length, MAX_OCCURRENCES);
    assert.equal(f.additionalOccurrences, true);
    assert.equal(f.totalCount, 20);
  });

  it('never stores the raw value: only a mask and a keyed HMAC of the normalised value', () => {
    const f = findingsOf([{ text: 'card 4111 1111 1111 1111 and card 4111-1111-1111-1111', location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }]);
    const d = f.detections[0]!;
    assert.equal(d.count, 2);
    assert.equal(d.distinctCount, 1, 'the same card written two ways');
    const occ = d.occurrences.lineRanges!;
    assert.deepEqual(occ.map((o) => o.masked), ['**** **** **** 1111', '****-****-****-1111']);
    const expected = createHmac('sha256', hashKey).update('CREDIT_CARD_NUMBER\u00004111111111111111').digest('hex');
    assert.equal(occ[0]!.hash, expected);
    assert.ok(!JSON.stringify(f).includes('4111 1111 1111 1111'));
    assert.ok(!JSON.stringify(f).includes('4111111111111111'));
  });

  it('uses category Multiple and the highest severity when categories mix', () => {
    const f = findingsOf([{ text: 'mail bob@example.com, aws_access_key_id = AKIA2OGYBAH6QZ7RNYXW', location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 } }]);
    assert.equal(f.category, 'Multiple');
    assert.equal(f.type, 'SensitiveData:S3Object/Multiple');
    assert.deepEqual(f.severity, { description: 'Medium', score: 2 });
    assert.deepEqual(f.detections.map((d) => d.type), ['AWS_ACCESS_KEY_ID', 'EMAIL_ADDRESS']);
  });

  it('applies a custom severity-by-count rule and omits types below the lowest threshold', () => {
    const custom: Detector = {
      id: 'TICKET', category: 'CustomIdentifier', severity: 'Medium', description: 'ticket', trigger: { kind: 'literal', literals: ['TCK-'], before: 0, after: 10 },
      keywords: [], maxDistance: 50, keywordRequired: false,
      severityForCount: (n) => (n >= 3 ? 'High' : n >= 2 ? 'Low' : null),
      scan: (t) => [...t.matchAll(/TCK-\d{4}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, confidence: 'Medium' as const })),
    };
    const s = createScanner({ customIdentifiers: [custom], hashKey });
    const loc = { kind: 'text' as const, startLine: 1, startColumn: 1, startOffset: 0 };
    assert.equal(findingsOf([{ text: 'TCK-0001', location: loc }], s).detections.length, 0);
    const f = findingsOf([{ text: 'TCK-0001 TCK-0002 TCK-0003', location: loc }], s);
    assert.equal(f.category, 'CustomIdentifier');
    assert.deepEqual(f.severity, { description: 'High', score: 3 });
  });

  it('carries the container path of units inside archives', () => {
    const f = findingsOf([{ text: 'bob@example.com', location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 }, container: ['a.zip', 'b.txt'] }]);
    assert.deepEqual(f.detections[0]!.occurrences.lineRanges![0]!.container, ['a.zip', 'b.txt']);
  });

  it('masks all but the last four characters by default, and short values entirely', () => {
    assert.equal(defaultMask('AB123456C'), '*********');
    assert.equal(defaultMask('DE89 3704 0044'), '**** **** 0044');
  });
});
