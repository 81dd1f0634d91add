/**
 * National and tax identifiers with their check algorithms (python-stdnum, Presidio, HMRC):
 * US SSN (area/group/serial ranges) and ITIN, UK NINO, Canada SIN (Luhn), Brazil CPF/CNPJ (mod 11),
 * India Aadhaar (Verhoeff) and PAN, Spain DNI/NIE (mod 23 letter), Italy codice fiscale (check
 * letter, omocodia), France NIR (97 - n mod 97), Germany Steuer-IdNr (ISO 7064 MOD 11,10 + digit
 * frequency), Netherlands BSN (11-proof).
 * Formatted values with a strong check stand alone; bare digit strings need a keyword.
 */
import type { Detector } from '../engine/model.js';
import {
  allSame, digitsOnly, iso7064Mod1110CheckDigit, isSequential, luhnValid, verhoeffValid, weightedSum,
} from './checksums.js';
import { maskLast4, regexDetector, type Verdict } from './define.js';

const SSN_SAMPLES = new Set(['078051120', '219099999', '457555462', '123456789']);

/**
 * A NINO's two prefix letters sit right before its first digit (or one space before it), and its
 * first digit is in the run: two capitals between 3 chars before the run and its end.
 */
function ninoPrefixInReach(text: string, start: number, end: number): boolean {
  for (let i = Math.max(0, start - 3); i + 1 < end; i++) {
    const a = text.charCodeAt(i);
    if (a >= 65 && a <= 90) {
      const b = text.charCodeAt(i + 1);
      if (b >= 65 && b <= 90) return true;
    }
  }
  return false;
}

export function ssnValid(d: string): boolean {
  const area = Number(d.slice(0, 3));
  const group = Number(d.slice(3, 5));
  const serial = Number(d.slice(5));
  if (area === 0 || area === 666 || area >= 900 || group === 0 || serial === 0) return false;
  return !SSN_SAMPLES.has(d) && !allSame(d) && !isSequential(d);
}

export function itinValid(d: string): boolean {
  if (d[0] !== '9') return false;
  const g = Number(d.slice(3, 5));
  return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || (g >= 94 && g <= 99);
}

/** Bare 9 digits need a keyword; 3-2-4 with one consistent separator stands alone. */
function formatted(v: string): boolean {
  return /\D/.test(v);
}

function consistentSeparators(v: string): boolean {
  const s = v.match(/\D/g);
  return s === null || s.every((c) => c === s[0]);
}

export function cpfValid(d: string): boolean {
  if (d.length !== 11 || allSame(d)) return false;
  const c1 = ((weightedSum(d, [10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  const c2 = ((weightedSum(d, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  return c1 === Number(d[9]) && c2 === Number(d[10]);
}

export function cnpjValid(d: string): boolean {
  if (d.length !== 14 || allSame(d)) return false;
  const w1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const w2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const c1 = (11 - (weightedSum(d, w1) % 11)) % 11 % 10;
  const c2 = (11 - (weightedSum(d, w2) % 11)) % 11 % 10;
  return c1 === Number(d[12]) && c2 === Number(d[13]);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
export const dniLetter = (n: number): string => DNI_LETTERS[n % 23]!;

const CF_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const OMOCODIA = 'LMNPQRSTUV';

export function codiceFiscaleCheck(first15: string): string {
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = first15[i]!;
    const isDigit = ch >= '0' && ch <= '9';
    const idx = isDigit ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 65;
    sum += i % 2 === 0 ? CF_ODD[idx]! : idx;
  }
  return String.fromCharCode(65 + (sum % 26));
}

function codiceFiscale(v: string): Verdict | null {
  const cf = v.toUpperCase();
  if (codiceFiscaleCheck(cf.slice(0, 15)) !== cf[15]) return null;
  // Decode omocodia to check the date part.
  const num = (s: string): number => Number([...s].map((c) => (OMOCODIA.includes(c) ? String(OMOCODIA.indexOf(c)) : c)).join(''));
  const day = num(cf.slice(9, 11));
  if (!((day >= 1 && day <= 31) || (day >= 41 && day <= 71))) return null;
  return { confidence: 'High', normalized: cf };
}

export function nirKey(first13: string): number {
  const n = BigInt(first13.replace('2A', '19').replace('2B', '18'));
  return 97 - Number(n % 97n);
}

function nir(v: string): Verdict | null {
  const c = v.replace(/[\s.-]/g, '').toUpperCase();
  if (c.length !== 15) return null;
  const month = Number(c.slice(3, 5));
  if (!((month >= 1 && month <= 12) || month === 20 || (month >= 30 && month <= 42) || month >= 50)) return null;
  if (nirKey(c.slice(0, 13)) !== Number(c.slice(13))) return null;
  // Unformatted, 1 in 97 random 15-digit strings pass: let a card number win a tie.
  return { confidence: /\s/.test(v) ? 'High' : 'Medium', normalized: c };
}

export function steuerIdValid(d: string): boolean {
  if (d.length !== 11 || d[0] === '0') return false;
  const counts = new Map<string, number>();
  for (const c of d.slice(0, 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const multi = [...counts.values()].filter((n) => n > 1);
  if (multi.length !== 1 || multi[0]! > 3) return false;
  return iso7064Mod1110CheckDigit(d.slice(0, 10)) === d[10];
}

export function bsnValid(d: string): boolean {
  if (d.length !== 9 || allSame(d)) return false;
  return (weightedSum(d, [9, 8, 7, 6, 5, 4, 3, 2]) - Number(d[8])) % 11 === 0;
}

export function nationalIdDetectors(): Detector[] {
  return [
    regexDetector({
      id: 'USA_SOCIAL_SECURITY_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'US Social Security number; invalid area (000, 666, 9xx), group 00 and serial 0000 excluded',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![\d-])(?:\d{3}([- ]?)\d{2}\1\d{4})(?![\d]|-\d)/g,
      keywords: ['ssn', 'ssns', 'ss#', 'ssn#', 'social security', 'social security number', 'social security no', 'soc sec', 'ssa number', 'social sec', 'sozialversicherungsnummer'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return ssnValid(d) ? { confidence: formatted(v) ? 'Medium' : 'Low', normalized: d, keywordRequired: !formatted(v) } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'US ITIN: 9XX-[50-65|70-88|90-92|94-99]-XXXX',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![\d-])9\d{2}([- ]?)\d{2}\1\d{4}(?![\d]|-\d)/g,
      keywords: ['itin', 'individual taxpayer', 'taxpayer identification', 'taxpayer id', 'tax id', 'tin', 'tax identification number'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return itinValid(d) ? { confidence: formatted(v) ? 'Medium' : 'Low', normalized: d, keywordRequired: !formatted(v) } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'UK_NATIONAL_INSURANCE_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'UK National Insurance number (HMRC prefix and suffix rules)',
      trigger: { kind: 'digits', minDigits: 6, accept: ninoPrefixInReach },
      pattern: /(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]( ?)\d{2}\1\d{2}\1\d{2}\1[A-D](?![A-Za-z0-9])/g,
      keywords: ['national insurance', 'ni number', 'nino', 'ni no', 'national insurance number', 'insurance no', 'nat ins'],
      keywordRequired: false,
      confidence: 'Medium',
      validate: (v) => ({ confidence: 'Medium', normalized: v.replace(/ /g, '') }),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'CANADA_SOCIAL_INSURANCE_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Canada SIN (Luhn; first digit not 0 or 8) near a keyword',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![\d-])[1-79]\d{2}([- ]?)\d{3}\1\d{3}(?![\d]|-\d)/g,
      keywords: ['sin', 'social insurance', 'social insurance number', 'sin number', 'sin#', "numéro d'assurance sociale", 'assurance sociale', 'nas', 'insurance number'],
      keywordRequired: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return luhnValid(d) && !allSame(d) ? { confidence: 'Medium', normalized: d } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'BRAZIL_CPF_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Brazil CPF (two mod-11 check digits); formatted stands alone, bare needs a keyword',
      trigger: { kind: 'digits', minDigits: 11 },
      pattern: /(?<![\d./-])(?:\d{3}\.\d{3}\.\d{3}-\d{2}|\d{11})(?![\d]|[./-]\d)/g,
      keywords: ['cpf', 'cadastro de pessoas físicas', 'cadastro de pessoas fisicas', 'cpf/mf', 'número do cpf', 'cic'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return cpfValid(d) ? { confidence: 'Medium', normalized: d, keywordRequired: !formatted(v) } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'BRAZIL_CNPJ_NUMBER',
      category: 'Personal',
      severity: 'Medium',
      description: 'Brazil CNPJ (two mod-11 check digits); formatted stands alone, bare needs a keyword',
      trigger: { kind: 'digits', minDigits: 14 },
      pattern: /(?<![\d./-])(?:\d{2}\.\d{3}\.\d{3}\/\d{4}-\d{2}|\d{14})(?![\d]|[./-]\d)/g,
      keywords: ['cnpj', 'cadastro nacional da pessoa jurídica', 'cadastro nacional da pessoa juridica', 'cnpj/mf'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return cnpjValid(d) ? { confidence: 'Medium', normalized: d, keywordRequired: !formatted(v) } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'INDIA_AADHAAR_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'India Aadhaar (12 digits, first 2-9, Verhoeff check digit) near a keyword',
      trigger: { kind: 'digits', minDigits: 12 },
      pattern: /(?<![\d-]|\d[ -])[2-9]\d{3}([ -]?)\d{4}\1\d{4}(?![\d]|[ -]\d)/g,
      keywords: ['aadhaar', 'aadhar', 'adhaar', 'uidai', 'uid', 'uid number', 'aadhaar number', 'आधार'],
      keywordRequired: true,
      validate: (v) => {
        const d = digitsOnly(v);
        if (!verhoeffValid(d) || d === [...d].reverse().join('') || allSame(d.slice(1))) return null;
        return { confidence: 'Medium', normalized: d };
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'INDIA_PERMANENT_ACCOUNT_NUMBER',
      category: 'Personal',
      severity: 'Medium',
      description: 'India PAN (AAAAA9999A, holder-type letter) near a keyword',
      trigger: { kind: 'digits', minDigits: 4, minToken: 10 },
      pattern: /(?<![A-Za-z0-9])[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z](?![A-Za-z0-9])/g,
      keywords: ['pan', 'pan number', 'pan no', 'permanent account number', 'pan card', 'income tax', 'आयकर'],
      keywordRequired: true,
      validate: (v) => (v.slice(5, 9) === '0000' ? null : { confidence: 'Medium' }),
      mask: maskLast4,
    }),
    regexDetector({
      id: 'SPAIN_DNI_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Spain DNI/NIF (8 digits + mod-23 check letter)',
      trigger: { kind: 'digits', minDigits: 8 },
      pattern: /(?<![A-Za-z0-9.-])\d{8}[- ]?[A-Z](?![A-Za-z0-9])/g,
      keywords: ['dni', 'nif', 'documento nacional de identidad', 'número de identificación fiscal', 'identidad', 'dni/nif'],
      keywordRequired: false,
      validate: (v) => {
        const d = v.slice(0, 8);
        return dniLetter(Number(d)) === v[v.length - 1] && !allSame(d) ? { confidence: 'Medium', normalized: d + v[v.length - 1] } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'SPAIN_NIE_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Spain NIE (X/Y/Z + 7 digits + mod-23 check letter)',
      trigger: { kind: 'digits', minDigits: 7 },
      pattern: /(?<![A-Za-z0-9])[XYZ][- ]?\d{7}[- ]?[A-Z](?![A-Za-z0-9])/g,
      keywords: ['nie', 'número de identidad de extranjero', 'identidad de extranjero', 'foreigner id'],
      keywordRequired: false,
      validate: (v) => {
        const c = v.replace(/[- ]/g, '');
        const n = Number('XYZ'.indexOf(c[0]!) + c.slice(1, 8));
        return dniLetter(n) === c[8] ? { confidence: 'Medium', normalized: c } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'ITALY_NATIONAL_IDENTIFICATION_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Italy codice fiscale (16 chars, odd/even table check letter, omocodia accepted)',
      trigger: { kind: 'digits', minDigits: 6, minToken: 16 },
      pattern: /(?<![A-Za-z0-9])[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z](?![A-Za-z0-9])/gi,
      keywords: ['codice fiscale', 'cf', 'c.f.', 'fiscal code', 'tax code', 'codice'],
      keywordRequired: false,
      validate: codiceFiscale,
      mask: maskLast4,
    }),
    regexDetector({
      id: 'FRANCE_NATIONAL_IDENTIFICATION_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'France NIR / INSEE number (15 chars, key = 97 - first 13 mod 97)',
      trigger: { kind: 'digits', minDigits: 13 },
      pattern: /(?<![A-Za-z0-9])[1-478]( ?)\d{2}\1(?:0[1-9]|1[0-2]|20|[3-9]\d)\1(?:\d{2}|2[AB])\1\d{3}\1\d{3}\1\d{2}(?![A-Za-z0-9])/g,
      keywords: ['nir', 'insee', 'numéro de sécurité sociale', 'sécurité sociale', 'securite sociale', 'numéro insee', 'social security'],
      keywordRequired: false,
      validate: nir,
      mask: maskLast4,
    }),
    regexDetector({
      id: 'GERMANY_TAX_IDENTIFICATION_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Germany Steuer-IdNr (11 digits, digit-frequency rule, ISO 7064 MOD 11,10) near a keyword',
      trigger: { kind: 'digits', minDigits: 11 },
      pattern: /(?<![\d-])[1-9]\d( ?)\d{3}\1\d{3}\1\d{3}(?![\d]|[ -]\d)/g,
      keywords: ['steuer-id', 'steuerid', 'steueridentifikationsnummer', 'steuerliche identifikationsnummer', 'identifikationsnummer', 'idnr', 'steuer-idnr', 'tax id', 'tin', 'steuernummer', 'tax identification number'],
      keywordRequired: true,
      validate: (v) => {
        const d = digitsOnly(v);
        return steuerIdValid(d) ? { confidence: 'Medium', normalized: d } : null;
      },
      mask: maskLast4,
    }),
    regexDetector({
      id: 'NETHERLANDS_BSN_NUMBER',
      category: 'Personal',
      severity: 'High',
      description: 'Netherlands BSN (9 digits, 11-proof) near a keyword',
      trigger: { kind: 'digits', minDigits: 9 },
      pattern: /(?<![\d-])\d{4}\.?\d{2}\.?\d{3}(?![\d]|[.-]\d)|(?<![\d-])\d{3}([ .-]?)\d{3}\1\d{3}(?![\d]|[ .-]\d)/g,
      keywords: ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi nummer', 'citizen service number', 'persoonsnummer', 'bsn nummer'],
      keywordRequired: true,
      validate: (v) => {
        if (!consistentSeparators(v)) return null;
        const d = digitsOnly(v);
        return bsnValid(d) ? { confidence: 'Medium', normalized: d } : null;
      },
      mask: maskLast4,
    }),
  ];
}
