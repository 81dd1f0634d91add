/**
 * Health identifiers: US NPI (Luhn over "80840" + NPI), DEA registration number (check digit),
 * Medicare Beneficiary Identifier (CMS positional format), UK NHS number (mod 11), HICN and
 * health-insurance member ids near keywords.
 *
 *   NPI:  luhn("80840" + 10 digits) == 0, first digit 1 or 2
 *   DEA:  s = d1 + d3 + d5 + 2 * (d2 + d4 + d6); s % 10 == d7
 *   NHS:  c = 11 - sum(d_i * (11 - i), i = 1..9) % 11; c == 11 -> 0; c == 10 invalid; c == d10
 */
import type { Detector } from '../engine/model.js';
import { allSame, digitsOnly, luhnValid, weightedSum } from './checksums.js';
import { maskLast4, regexDetector } from './define.js';

export function npiValid(d: string): boolean {
  return d.length === 10 && (d[0] === '1' || d[0] === '2') && !allSame(d.slice(1)) && luhnValid(`80840${d}`);
}

export function deaValid(v: string): boolean {
  const d = v.slice(2);
  const s = Number(d[0]) + Number(d[2]) + Number(d[4]) + 2 * (Number(d[1]) + Number(d[3]) + Number(d[5]));
  return s % 10 === Number(d[6]);
}

export function nhsValid(d: string): boolean {
  if (d.length !== 10 || allSame(d)) return false;
  let c = 11 - (weightedSum(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
  if (c === 11) c = 0;
  return c !== 10 && c === Number(d[9]);
}

/** MBI letters exclude S, L, O, I, B, Z. */
const A = '[AC-HJKMNP-RT-Y]';
const AN = '[AC-HJKMNP-RT-Y0-9]';

export function healthDetectors(): Detector[] {
  return [
    regexDetector({
      id: 'USA_NATIONAL_PROVIDER_IDENTIFIER',
      category: 'Personal',
      severity: 'Medium',
      description: 'US National Provider Identifier (10 digits, Luhn with the 80840 prefix) near a keyword',
      trigger: { kind: 'digits', minDigits: 10 },
      pattern: /(?<![\d-])[12]\d{9}(?![\d]|-\d)|(?<![\d-])[12]\d{3}[ -]\d{3}[ -]\d{3}(?![\d]|[ -]\d)/g,
      keywords: ['npi', 'npi number', 'npi#', 'national provider', 'national provider identifier', 'provider id', 'provider identifier', 'provider number', 'prescriber npi', 'rendering provider'],
      keywordRequired: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return npiValid(d) ? { confidence: 'Medium', normalized: d } : null;
      },
    }),
    regexDetector({
      id: 'US_DRUG_ENFORCEMENT_AGENCY_NUMBER',
      category: 'Personal',
      severity: 'Medium',
      description: 'US DEA registration number (registrant letter, name letter, 7 digits with check digit) near a keyword',
      trigger: { kind: 'digits', minDigits: 7, minToken: 9 },
      pattern: /(?<![A-Za-z0-9])[ABCDEFGHJKLMPRSTUX][A-Z9]\d{7}(?![A-Za-z0-9])/g,
      keywords: ['dea', 'dea number', 'dea registration', 'dea#', 'dea no', 'dea registration number', 'drug enforcement'],
      keywordRequired: true,
      validate: (v) => (deaValid(v) ? { confidence: 'Medium' } : null),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'USA_MEDICARE_BENEFICIARY_IDENTIFIER',
      category: 'Personal',
      severity: 'High',
      description: 'Medicare Beneficiary Identifier (CMS format C A AN N A AN N A A N N) near a keyword',
      trigger: { kind: 'digits', minDigits: 5, minToken: 11 },
      pattern: new RegExp(`(?<![A-Za-z0-9])[1-9]${A}${AN}\\d-?${A}${AN}\\d-?${A}${A}\\d\\d(?![A-Za-z0-9])`, 'g'),
      keywords: ['medicare', 'mbi', 'medicare beneficiary', 'beneficiary id', 'medicare id', 'medicare number', 'cms', 'medicare beneficiary identifier', 'hic', 'hicn'],
      maxDistance: 40,
      keywordRequired: true,
      validate: (v) => ({ confidence: 'Medium', normalized: v.replace(/-/g, '') }),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'UK_NHS_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'UK NHS number (10 digits, mod 11 check digit) near a keyword',
      trigger: { kind: 'digits', minDigits: 10 },
      pattern: /(?<![\d-])\d{3}([ -]?)\d{3}\1\d{4}(?![\d]|[ -]\d)/g,
      keywords: ['nhs', 'nhs number', 'nhs no', 'nhs#', 'national health service', 'health service number', 'health and care number', 'chi number', 'patient number', 'nhs id'],
      keywordRequired: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return nhsValid(d) ? { confidence: 'Medium', normalized: d } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'USA_HEALTH_INSURANCE_CLAIM_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Legacy Medicare HICN (9 digits + beneficiary code) near a keyword',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![A-Za-z0-9])\d{3}-?\d{2}-?\d{4}-?[A-Z][A-Z0-9]?(?![A-Za-z0-9])/g,
      keywords: ['health insurance claim number', 'hic no', 'hic no.', 'hic number', 'hic#', 'hicn', 'hicn#', 'hicno#', 'medicare claim number', 'claim number'],
      keywordRequired: true,
      validate: (v) => (allSame(digitsOnly(v)) ? null : { confidence: 'Medium', normalized: v.replace(/-/g, '') }),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'HEALTH_INSURANCE_MEMBER_ID',
      category: 'Personal',
      severity: 'Medium',
      description: 'Health insurance member / subscriber / policy id (6-20 alphanumerics with 4+ digits) near a keyword',
      trigger: { kind: 'digits', minDigits: 4, minToken: 6 },
      pattern: /(?<![A-Za-z0-9-])[A-Z0-9]{1,5}[-]?\d{3,15}(?:[-]?[A-Z0-9]{1,4})?(?![A-Za-z0-9-])/g,
      keywords: ['member id', 'member number', 'member no', 'subscriber id', 'subscriber number', 'insurance id', 'policy number', 'policy no', 'policy id', 'health plan id', 'insured id', 'plan member id', 'medicaid id', 'medicaid number', 'ehic', 'health insurance number', 'versichertennummer', 'krankenversichertennummer', 'carte vitale', 'health card number', 'health number', 'phn'],
      keywordRequired: true,
      validate: (v) => {
        const c = v.replace(/-/g, '');
        if (c.length < 6 || c.length > 20 || (c.match(/\d/g)?.length ?? 0) < 4 || allSame(digitsOnly(c))) return null;
        // Dates and plain years are not member ids.
        if (/^(?:19|20)\d{2}$/.test(c) || /^\d{4}-\d{2}-\d{2}$/.test(v)) return null;
        return { confidence: 'Low', normalized: c };
      },
      mask: maskLast4,
    }),
  ];
}
