import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allSame, digitsOnly, isSequential, iso7064Mod1110CheckDigit, luhnCheckDigit, luhnValid, mod97, shannonEntropy,
  verhoeffCheckDigit, verhoeffValid,
} from './checksums.js';
import { cardBrand, ibanValid } from './financial.js';
import { bsnValid, cnpjValid, codiceFiscaleCheck, cpfValid, dniLetter, itinValid, nirKey, ssnValid, steuerIdValid } from './national-ids.js';
import { deaValid, nhsValid, npiValid } from './health.js';

// Vectors are the published examples of python-stdnum, CMS, HMRC and the issuers.
describe('check-digit algorithms', () => {
  it('accepts Luhn-valid numbers and computes the Luhn check digit', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('79927398713'), true);
    assert.equal(luhnValid('79927398710'), false);
    assert.equal(luhnCheckDigit('7992739871'), '3');
  });
  it('accepts Verhoeff-valid numbers and computes the Verhoeff check digit', () => {
    assert.equal(verhoeffValid('2363'), true);
    assert.equal(verhoeffValid('234123412346'), true);
    assert.equal(verhoeffValid('234123412347'), false);
    assert.equal(verhoeffCheckDigit('23412341234'), '6');
  });
  it('computes ISO 7064 mod 97-10 for IBANs and checks registered lengths', () => {
    assert.equal(mod97('370400440532013000DE89'), 1);
    assert.equal(ibanValid('DE89370400440532013000'), true);
    assert.equal(ibanValid('GB82WEST12345698765432'), true);
    assert.equal(ibanValid('DE88370400440532013000'), false);
    assert.equal(ibanValid('DE8937040044053201300'), false, 'one character short for Germany');
  });
  it('computes the ISO 7064 mod 11,10 digit and the digit-frequency rule of the German tax id', () => {
    assert.equal(iso7064Mod1110CheckDigit('3657426180'), '9');
    assert.equal(steuerIdValid('36574261809'), true);
    assert.equal(steuerIdValid('36574261808'), false);
    assert.equal(steuerIdValid('12345678903'), false, 'no digit repeated');
  });
  it('validates US SSN ranges and ITIN groups', () => {
    assert.equal(ssnValid('123456788'), true);
    for (const bad of ['000456788', '666456788', '923456788', '123006788', '123450000', '078051120', '111111111', '123456789']) assert.equal(ssnValid(bad), false, bad);
    assert.equal(itinValid('912701234'), true);
    assert.equal(itinValid('912931234'), false, '93 is an ATIN');
  });
  it('validates Brazilian CPF and CNPJ check digits and rejects repeated digits', () => {
    assert.equal(cpfValid('11144477735'), true);
    assert.equal(cpfValid('11144477736'), false);
    assert.equal(cpfValid('11111111111'), false);
    assert.equal(cnpjValid('11222333000181'), true);
    assert.equal(cnpjValid('11222333000182'), false);
  });
  it('computes the Spanish DNI letter, the Italian check letter and the French NIR key', () => {
    assert.equal(dniLetter(12345678), 'Z');
    assert.equal(codiceFiscaleCheck('RSSMRA85T10A562'), 'S');
    assert.equal(nirKey('2951099126111'), 93);
    assert.equal(nirKey('2A51099126111'), 97 - Number(1951099126111n % 97n));
  });
  it('validates Dutch BSN, UK NHS, US NPI and DEA numbers', () => {
    assert.equal(bsnValid('111222333'), true);
    assert.equal(bsnValid('111222334'), false);
    assert.equal(nhsValid('9434765919'), true);
    assert.equal(nhsValid('9434765918'), false);
    assert.equal(npiValid('1234567893'), true);
    assert.equal(npiValid('1234567894'), false);
    assert.equal(deaValid('AB1234563'), true);
    assert.equal(deaValid('AB1234564'), false);
  });
  it('recognises card brands by IIN range and length', () => {
    assert.equal(cardBrand('4111111111111111'), 'visa');
    assert.equal(cardBrand('5555555555554444'), 'mastercard');
    assert.equal(cardBrand('2223000048400011'), 'mastercard');
    assert.equal(cardBrand('378282246310005'), 'amex');
    assert.equal(cardBrand('6011111111111117'), 'discover');
    assert.equal(cardBrand('3530111333300000'), 'jcb');
    assert.equal(cardBrand('411111111111111'), null, '15-digit Visa does not exist');
    assert.equal(cardBrand('9111111111111111'), null);
  });
  it('has helpers for fillers, sequences, entropy and digit extraction', () => {
    assert.equal(allSame('0000'), true);
    assert.equal(isSequential('123456789'), true);
    assert.equal(isSequential('987654321'), true);
    assert.equal(isSequential('123456788'), false);
    assert.ok(shannonEntropy('aaaa') === 0 && shannonEntropy('abcd') === 2);
    assert.equal(digitsOnly('4111-1111 11'), '4111111111');
  });
});
