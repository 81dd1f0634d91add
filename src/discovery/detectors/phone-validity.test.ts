import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { createRng } from '../eval/rng.js';
import { internationalValidity } from './phone-validity.js';

/** What the library says about "+digits": validity and E.164 form (undefined when it does not parse). */
function library(digits: string): { valid: boolean; e164: string } | undefined {
  const p = parsePhoneNumberFromString(`+${digits}`);
  return p === undefined ? undefined : { valid: p.isValid(), e164: p.number };
}

describe('internationalValidity', () => {
  it('agrees with libphonenumber on the example number of every country', () => {
    let decided = 0;
    for (const country of Object.keys(examples) as CountryCode[]) {
      const ex = getExampleNumber(country, examples);
      if (ex === undefined) continue;
      const digits = ex.number.slice(1);
      const fast = internationalValidity(digits);
      if (fast === undefined) continue;
      decided++;
      assert.deepEqual(fast, library(digits), `${country} ${digits}`);
      assert.equal(fast.valid, true, `${country} example is valid`);
    }
    assert.ok(decided > 150, `decided ${decided} examples without the full parser`);
  });

  it('agrees with libphonenumber on random digit strings under common calling codes', () => {
    const rng = createRng(11);
    const codes = ['1', '44', '49', '33', '34', '39', '31', '91', '55', '61', '7', '86', '81', '352', '353', '41', '43', '32', '46', '47'];
    let decided = 0;
    let valid = 0;
    for (let i = 0; i < 6000; i++) {
      const cc = rng.pick(codes);
      const digits = `${cc}${rng.digits(rng.int(5, 13))}`;
      const fast = internationalValidity(digits);
      if (fast === undefined) continue;
      decided++;
      if (fast.valid) valid++;
      const lib = library(digits);
      assert.deepEqual(fast, lib ?? { valid: false, e164: fast.e164 }, digits);
    }
    assert.ok(decided > 4000, `decided ${decided}`);
    assert.ok(valid > 200, `valid ${valid}`);
  });

  it('gives for "+1" + a North American national number what the library gives for that number in the US', () => {
    const rng = createRng(12);
    for (let i = 0; i < 3000; i++) {
      const national = `${rng.int(2, 9)}${rng.digits(rng.int(6, 10))}`;
      const fast = internationalValidity(`1${national}`);
      if (fast === undefined) continue;
      const p = parsePhoneNumberFromString(national, 'US');
      assert.deepEqual(fast, p === undefined ? { valid: false, e164: fast.e164 } : { valid: p.isValid(), e164: p.number }, national);
    }
  });

  it('rejects a North American number with an unassigned area code and accepts an assigned one', () => {
    assert.equal(internationalValidity('15555550123')?.valid, false);
    assert.equal(internationalValidity('14155552671')?.valid, true);
    assert.equal(internationalValidity('14155552671')?.e164, '+14155552671');
  });

  it('leaves numbers with a national prefix after the calling code to the full parser', () => {
    assert.equal(internationalValidity('11415555267'), undefined);
  });
});
