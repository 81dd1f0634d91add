import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { managedDetectors } from '../detectors/index.js';
import type { TextUnit } from '../types.js';
import { createKeywordGate, createKeywordMatcher } from './keywords.js';
import { createScanner } from './scanner.js';

const hashKey = Buffer.alloc(32, 1);
const unit = (t: string, contextKeywords?: string[]): TextUnit => ({
  text: t, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 }, ...(contextKeywords ? { contextKeywords } : {}),
});

describe('createKeywordGate', () => {
  it('finds the end of every keyword occurrence, in any case and with _, - or a space between words', () => {
    const gate = createKeywordGate([['date of birth', 'dob'], ['ssn'], ['tél']]);
    const text = 'DOB: x; Date_of-Birth y; dateofbirth; SSN#; TÉL 01';
    const [dob, ssn, tel] = gate.scan(text);
    assert.deepEqual([...dob!], [3, 21, 36]);
    assert.deepEqual([...ssn!], [41]);
    assert.deepEqual([...tel!], [47]);
  });

  it('steps over any Unicode space between the words of a keyword, as the keyword matcher does', () => {
    const gate = createKeywordGate([['date of birth']]);
    const near = createKeywordMatcher(['date of birth'], 30);
    for (const sep of ['\u00a0', '\u2003', '\u2009', '\u202f', '\u3000']) {
      const t = `date${sep}of${sep}birth 1985`;
      assert.ok(near.near(t, t.length - 4, t.length), JSON.stringify(sep));
      assert.deepEqual([...gate.scan(t)[0]!], [t.length - 5], JSON.stringify(sep));
    }
  });

  it('does not start a keyword inside a word', () => {
    const [hits] = createKeywordGate([['ssn']]).scan('classn assn xssn');
    assert.equal(hits!.length, 0);
  });

  it('finds a superset of what the keyword matcher accepts near a value', () => {
    const keywords = managedDetectors().flatMap((d) => d.keywords);
    const gate = createKeywordGate([keywords]);
    const near = createKeywordMatcher(keywords, 30);
    const texts = ['Social-Security number 123', 'passport_no: X123', 'Kartenprüfnummer 123', 'the CVV2 is 123', 'tel no 555', 'abc dob 1', 'MOBILE  555',
      'phone\u2003number 555', 'date\u00a0of\u2009birth 1', 'routing\u202fnumber 0'];
    for (const t of texts) {
      const at = t.search(/\d/);
      const [hits] = gate.scan(t);
      if (near.near(t, at, at + 1)) assert.ok(hits!.some((e) => e >= at - 30 && e <= at), t);
    }
  });
});

describe('keyword checks of detectors that are not gated', () => {
  it('find keywords the gate walk must step over (any Unicode space between words)', () => {
    const s = createScanner({ detectors: managedDetectors(), identifiers: ['PHONE_NUMBER'], hashKey });
    // A national number needs a keyword; the exact check runs only when the gate saw one in reach.
    for (const kw of ['Phone number:', 'Phone\u2003number:', 'phone\u00a0number', 'TEL']) {
      assert.deepEqual(s.scanUnit(unit(`${kw} 020 7946 0958`)).map((m) => m.text), ['020 7946 0958'], kw);
    }
    assert.deepEqual(s.scanUnit(unit('Invoice 020 7946 0958')), []);
  });

  it('find them in a dense batch of cells, where the gate walks the whole batch', () => {
    // All detectors: the gated ones (member ids, licences) are what makes the gate walk at all.
    const s = createScanner({ detectors: managedDetectors(), hashKey });
    // Many id cells make the batch dense (one walk over all of it, whose hits then stand in for
    // the exact keyword check of detectors that are not gated).
    // (A short text cell between ids keeps their windows apart: about one span per 22 chars.)
    const ids = Array.from({ length: 200 }, (_, i) => unit(i % 2 === 0 ? String(100000 + i * 7) : 'pending review'));
    const cells = [...ids, unit('call\u2003me 020 7946 0958'), unit('Tel 020 7946 0958'), unit('ref 020 7946 0958'), ...ids];
    const found = s.scanUnits(cells).map((ms) => ms.filter((m) => m.identifier === 'PHONE_NUMBER').map((m) => m.text));
    assert.deepEqual(found.slice(200, 203), [['020 7946 0958'], ['020 7946 0958'], []]);
  });
});

describe('keyword-gated detectors', () => {
  const gated = createScanner({ detectors: managedDetectors(), hashKey });
  const ungated = createScanner({ detectors: managedDetectors().map((d) => ({ ...d, keywordGated: false })), hashKey });
  const key = (ms: ReadonlyArray<{ identifier: string; start: number; end: number }>): string[] => ms.map((m) => `${m.identifier}@${m.start}-${m.end}`).sort();

  it('are keyword-required detectors without stand-alone values', () => {
    const byId = new Map(managedDetectors().map((d) => [d.id, d]));
    assert.equal(byId.get('USA_PASSPORT_NUMBER')!.keywordGated, true);
    assert.equal(byId.get('CREDIT_CARD_SECURITY_CODE')!.keywordGated, true);
    assert.notEqual(byId.get('USA_SOCIAL_SECURITY_NUMBER')!.keywordGated, true); // formatted SSNs stand alone
    assert.notEqual(byId.get('PHONE_NUMBER')!.keywordGated, true); // international numbers stand alone
    assert.notEqual(byId.get('CREDIT_CARD_NUMBER')!.keywordGated, true); // has a no-keyword variant
  });

  it('report the same matches as without the gate, in text and in batches of cells', () => {
    const text = [
      'Passport number: 123456789 issued 2019; order 987654321 shipped.',
      'Card number 4111 1111 1111 1111, please confirm CVV 418 before Friday.',
      'NPI 1234567893 and invoice 1234567893; routing number 021000021, account 12345678.',
      'DOB: 14/03/1985, member id ABC12345678; medicare 1EG4-TE5-MK73.',
    ].join('\n');
    assert.deepEqual(key(gated.scanUnit(unit(text))), key(ungated.scanUnit(unit(text))));
    assert.ok(gated.scanUnit(unit(text)).some((m) => m.identifier === 'USA_PASSPORT_NUMBER'));
    const cells = [unit('123456789', ['passport_number']), unit('123456789', ['order_id']), unit('021000021', ['routing']), unit('418', ['notes'])];
    assert.deepEqual(gated.scanUnits(cells).map(key), ungated.scanUnits(cells).map(key));
    assert.deepEqual(gated.scanUnits(cells)[0]!.map((m) => m.identifier), ['USA_PASSPORT_NUMBER']);
  });

  it('do not let a far-away window become the context of a value (windows are joined for scanning)', () => {
    const filler = 'The meeting is moved to the afternoon because the room is booked. '.repeat(30);
    const text = `Card number 4711 9167 2427 3932, cvv2 830\n${filler}\nCard number 4686-9334-9055-2796, Please confirm CVV 418 before Friday.`;
    const cvv = gated.scanUnit(unit(text)).filter((m) => m.identifier === 'CREDIT_CARD_SECURITY_CODE').map((m) => m.text);
    assert.deepEqual(cvv, ['830', '418']);
  });
});
