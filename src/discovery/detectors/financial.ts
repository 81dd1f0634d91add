/**
 * Financial identifiers: payment cards (brand IIN + length + Luhn, with and without keyword as
 * Macie has), expiry and security code only near a card, magnetic stripe tracks, IBAN (country
 * length + mod 97), ABA routing numbers (3-7-1 checksum), bank account numbers and SWIFT/BIC near
 * keywords. Sources: braintree/credit-card-type, python-stdnum iban.dat, Macie keyword tables.
 */
import type { Detector } from '../engine/model.js';
import { allSame, digitsOnly, luhnValid, mod97, weightedSum } from './checksums.js';
import { maskLast4, regexDetector, type Verdict } from './define.js';
import { ISO_COUNTRIES } from './countries.js';

/** [prefix ranges, allowed lengths] per brand. Ranges are inclusive numeric prefixes of equal width. */
const BRANDS: ReadonlyArray<{ name: string; ranges: ReadonlyArray<[number, number]>; lengths: readonly number[] }> = [
  { name: 'visa', ranges: [[4, 4]], lengths: [13, 16, 18, 19] },
  { name: 'mastercard', ranges: [[51, 55], [2221, 2720]], lengths: [16] },
  { name: 'amex', ranges: [[34, 34], [37, 37]], lengths: [15] },
  { name: 'diners', ranges: [[300, 305], [36, 36], [38, 39]], lengths: [14, 16, 19] },
  { name: 'discover', ranges: [[6011, 6011], [644, 649], [65, 65]], lengths: [16, 19] },
  { name: 'jcb', ranges: [[2131, 2131], [1800, 1800], [3528, 3589]], lengths: [16, 17, 18, 19] },
  { name: 'unionpay', ranges: [[620, 629], [810, 817]], lengths: [16, 17, 18, 19] },
  { name: 'maestro', ranges: [[493698, 493698], [500000, 509999], [56, 59], [63, 63], [67, 67]], lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
  { name: 'mir', ranges: [[2200, 2204]], lengths: [16, 17, 18, 19] },
];

export function cardBrand(digits: string): string | null {
  for (const b of BRANDS) {
    if (!b.lengths.includes(digits.length)) continue;
    for (const [lo, hi] of b.ranges) {
      const w = String(lo).length;
      const p = Number(digits.slice(0, w));
      if (p >= lo && p <= hi) return b.name;
    }
  }
  return null;
}

const GROUPINGS = new Set(['4-4-4-4', '4-6-5', '4-6-4', '4-4-4-4-3', '4-4-4-4-2', '4-4-4-1', '4-4-4-2', '4-4-4-4-1', '4-4-4-4-4', '4-4-5', '6-13', '4-4-4-4-4-2']);

function card(v: string): Verdict | null {
  // Most candidates are dates and short ids: count digits before any allocation.
  let digits = 0;
  for (let i = 0; i < v.length; i++) { const c = v.charCodeAt(i); if (c >= 48 && c <= 57) digits++; }
  if (digits < 12 || digits > 19) return null;
  const seps = v.match(/[ -]/g);
  if (seps !== null) {
    if (!seps.every((s) => s === seps[0])) return null;
    const groups = v.split(seps[0]!).map((g) => g.length).join('-');
    if (!GROUPINGS.has(groups)) return null;
  }
  const d = digitsOnly(v);
  if (d.length < 12 || d.length > 19 || allSame(d) || !luhnValid(d)) return null;
  const brand = cardBrand(d);
  if (brand === null) return null;
  // Maestro's wide ranges and unusual lengths collide with random ids: only with a keyword.
  const common = brand !== 'maestro' && (d.length === 16 || d.length === 15 || (d.length === 14 && brand === 'diners'));
  return common ? { confidence: 'Medium', normalized: d } : { confidence: 'Medium', normalized: d, keywordRequired: true };
}

/** Registered IBAN lengths (SWIFT IBAN registry via python-stdnum iban.dat). */
const IBAN_LENGTH: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30,
  KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20,
  MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22,
  RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};
export const IBAN_COUNTRIES: readonly string[] = Object.keys(IBAN_LENGTH);
export const ibanLength = (country: string): number | undefined => IBAN_LENGTH[country];

export function ibanValid(compactIban: string): boolean {
  const len = IBAN_LENGTH[compactIban.slice(0, 2)];
  return len === compactIban.length && mod97(compactIban.slice(4) + compactIban.slice(0, 4)) === 1;
}

function iban(v: string): Verdict | null {
  const len = IBAN_LENGTH[v.slice(0, 2)];
  if (len === undefined) return null;
  // Consume characters until the registered length is reached; following groups are not ours.
  let n = 0;
  let i = 0;
  for (; i < v.length && n < len; i++) if (v[i] !== ' ') n++;
  if (n < len) return null;
  const compactValue = v.slice(0, i).replace(/ /g, '');
  if (!ibanValid(compactValue)) return null;
  return { confidence: 'High', normalized: compactValue, trimTo: i };
}

function aba(v: string): Verdict | null {
  const d = digitsOnly(v);
  const p = Number(d.slice(0, 2));
  if (!((p <= 12) || (p >= 21 && p <= 32) || (p >= 61 && p <= 72) || p === 80)) return null;
  if (allSame(d) || weightedSum(d, [3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 !== 0) return null;
  return { confidence: 'Medium', normalized: d };
}

const CARD_IDS = ['CREDIT_CARD_NUMBER', 'CREDIT_CARD_NUMBER_(NO_KEYWORD)'];

export function financialDetectors(): Detector[] {
  return [
    regexDetector({
      id: 'CREDIT_CARD_NUMBER',
      noKeywordId: 'CREDIT_CARD_NUMBER_(NO_KEYWORD)',
      category: 'Financial',
      severity: 'High',
      description: 'Payment card number: brand IIN range and length, Luhn check digit',
      trigger: { kind: 'digits', minDigits: 12 },
      pattern: /(?<![A-Za-z0-9.,/-]|\d[ -])(?:\d{4}(?:[ -]?\d{2,6}){2,4}|\d{12,19})(?![\d]|[.,/-]\d)/g,
      keywords: ['credit card', 'card number', 'card no', 'card num', 'card', 'cc#', 'cc', 'ccn', 'pan', 'visa', 'mastercard', 'master card', 'amex', 'american express', 'discover', 'jcb', 'diners', 'maestro', 'unionpay', 'debit', 'carte bancaire', 'kreditkarte', 'tarjeta', 'carta di credito', 'payment'],
      keywordRequired: true,
      validate: card,
      mask: maskLast4,
    }),
    regexDetector({
      id: 'CREDIT_CARD_EXPIRATION',
      category: 'Financial',
      severity: 'Medium',
      description: 'Card expiry date (MM/YY, MM/YYYY) near a card number and an expiry keyword',
      trigger: { kind: 'digits', minDigits: 3 },
      pattern: /(?<![\d/.-])(?:0[1-9]|1[0-2]) ?[/-] ?(?:20)?\d\d(?![\d/-]|\.\d)/g,
      keywords: ['exp', 'expiry', 'expiration', 'expires', 'exp date', 'expiry date', 'valid thru', 'valid through', 'good thru', 'valid until', 'mm/yy', 'ablaufdatum', "date d'expiration", 'vencimiento', 'scadenza'],
      keywordRequired: true,
      near: { identifiers: CARD_IDS, distance: 60, after: 0, mode: 'required' },
      confidence: 'Medium',
    }),
    regexDetector({
      id: 'CREDIT_CARD_SECURITY_CODE',
      category: 'Financial',
      severity: 'High',
      description: 'Card verification code (CVV/CVC/CID) near a card number and a keyword',
      trigger: { kind: 'digits', minDigits: 3 },
      pattern: /(?<![\d/.-])\d{3,4}(?![\d/-]|\.\d)/g,
      keywords: ['cvv', 'cvv2', 'cvc', 'cvc2', 'cid', 'csc', 'security code', 'card verification', 'verification code', 'card code', 'cvn', 'kartenprüfnummer', 'cryptogramme'],
      maxDistance: 12,
      keywordRequired: true,
      near: { identifiers: CARD_IDS, distance: 80, after: 0, mode: 'required' },
      // Only the first number after the keyword is the code ("CVV 123, room 204"). The look-back
      // stops at NUL: the scanned text joins windows with NULs, and another window is not context.
      validate: (v, ctx) => (/(?:cvv2?|cvc2?|csc|cid|cvn|code)[^\w\u0000]{0,4}\d{3,4}[^\d\u0000]{1,10}$/i.test(ctx.text.slice(Math.max(0, ctx.index - 30), ctx.index)) ? null : { confidence: 'Medium' }),
      mask: (v) => '*'.repeat(v.length),
    }),
    regexDetector({
      id: 'CREDIT_CARD_MAGNETIC_STRIPE',
      category: 'Financial',
      severity: 'High',
      description: 'Magnetic stripe track 1 or track 2 data with a Luhn-valid card number',
      trigger: { kind: 'digits', minDigits: 12 },
      pattern: /%B\d{12,19}\^[^^\r\n]{2,26}\^\d{4}\d{0,100}\??|;\d{12,19}=\d{4}\d{0,40}\?/g,
      keywordRequired: false,
      validate: (v) => {
        const d = /\d{12,19}/.exec(v)![0];
        return luhnValid(d) && cardBrand(d) !== null ? { confidence: 'High', normalized: d } : null;
      },
      mask: (v) => `${v[0]}…${/\d{12,19}/.exec(v)![0].slice(-4)}…`,
    }),
    regexDetector({
      id: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER',
      category: 'Financial',
      severity: 'High',
      description: 'IBAN: registered country length and ISO 7064 mod 97-10 check digits',
      // IBAN groups may be letters (GB15 BFGW 8559…): widen by the longest letter stretch.
      trigger: { kind: 'digits', minDigits: 8, before: 36, after: 26 },
      pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g,
      keywords: ['iban', 'bank account', 'account number', 'international bank account', 'kontonummer', 'compte', 'cuenta', 'conto', 'rekeningnummer'],
      keywordRequired: false,
      validate: iban,
      mask: maskLast4,
    }),
    regexDetector({
      id: 'ABA_ROUTING_NUMBER',
      category: 'Financial',
      severity: 'Medium',
      description: 'US ABA routing transit number (3-7-1 checksum) near a keyword',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![\d-])(?:\d{9}|\d{4}-\d{4}-\d)(?![\d-])/g,
      keywords: ['routing', 'routing number', 'routing no', 'aba', 'aba number', 'abarouting', 'rtn', 'routing transit', 'transit number', 'bank routing', 'routing#', 'aba#'],
      keywordRequired: true,
      validate: aba,
    }),
    regexDetector({
      id: 'BANK_ACCOUNT_NUMBER',
      category: 'Financial',
      severity: 'High',
      description: 'US/Canada bank account number (8-17 digits) near a bank-account keyword',
      trigger: { kind: 'digits', minDigits: 8 },
      pattern: /(?<![A-Za-z0-9-]|\d[ -])\d{8,17}(?![A-Za-z0-9-]|[ -]\d)/g,
      keywords: ['bank account', 'bank acct', 'checking account', 'checking acct', 'deposit account', 'deposit acct', 'savings account', 'savings acct', 'chequing account', 'chequing acct', 'account number', 'account no', 'acct no', 'acct number', 'acct#', 'account#', 'acct #', 'account #', 'acct no.', 'account no.', 'bank account number', 'beneficiary account'],
      keywordRequired: true,
      validate: (v) => (allSame(v) ? null : { confidence: 'Medium' }),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'SWIFT_CODE',
      category: 'Financial',
      severity: 'Low',
      description: 'SWIFT/BIC code (bank, ISO country, location, optional branch) near a keyword',
      trigger: { kind: 'literal', literals: ['swift', 'bic'], caseInsensitive: true, before: 0, after: 60 },
      pattern: /(?<![A-Za-z0-9])[A-Z]{4}[A-Z]{2}[A-Z2-9][A-Z0-9](?:[A-Z0-9]{3})?(?![A-Za-z0-9])/g,
      keywords: ['swift', 'bic', 'swift code', 'bic code', 'swift/bic', 'bank identifier code', 'swift-bic', 'code swift'],
      keywordRequired: true,
      validate: (v) => (ISO_COUNTRIES.has(v.slice(4, 6)) ? { confidence: 'Medium' } : null),
    }),
  ];
}
