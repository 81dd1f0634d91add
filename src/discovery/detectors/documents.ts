/**
 * Passport and driver's licence numbers by country. Their formats are weak (plain digit runs,
 * letter + digits), so every one needs a keyword (Macie, Purview). Country detectors that share a
 * shape with another country only fire on country-qualified keywords and come first, so a
 * "UK passport" number is not also reported as a US one (same-span ties go to the earlier one).
 */
import type { Detector } from '../engine/model.js';
import { allSame } from './checksums.js';
import { maskLast4, regexDetector, type Verdict } from './define.js';

const docNumber = (v: string): Verdict | null => (allSame(v.replace(/[^0-9]/g, '')) ? null : { confidence: 'Medium', normalized: v.replace(/[\s-]/g, '') });

interface DocSpec {
  id: string;
  description: string;
  pattern: RegExp;
  keywords: string[];
  minDigits: number;
  /**
   * Fewest letters and digits of a match. Every pattern here matches one token of letters, digits
   * and hyphens, so runs in smaller tokens (a year in prose) never open a window (Trigger.minToken).
   */
  minToken: number;
  validate?: (v: string) => Verdict | null;
}

function doc(spec: DocSpec): Detector {
  return regexDetector({
    id: spec.id,
    category: 'Personal',
    severity: 'High',
    description: spec.description,
    trigger: { kind: 'digits', minDigits: spec.minDigits, minToken: spec.minToken },
    pattern: spec.pattern,
    keywords: spec.keywords,
    maxDistance: 40,
    keywordRequired: true,
    validate: spec.validate ?? docNumber,
    mask: maskLast4,
  });
}

const PASSPORT = ['passport', 'passport number', 'passport no', 'passport#', 'passport num', 'passport id', 'travel document', 'pass number'];
const LICENCE = ["driver's license", "driver's licence", 'drivers license', 'drivers licence', 'driver license', 'driver licence', 'driving license', 'driving licence', 'dl', 'dl#', 'dl no', 'dln', 'license number', 'licence number', 'lic#', 'lic no', 'license no', 'licence no', 'driver number', 'driver id'];

/** UK driving licence: surname(5) + decade + month(+50 female) + day + year + initials(2) + digit + 2 check chars. */
function ukLicence(v: string): Verdict | null {
  const month = Number(v.slice(6, 8));
  const day = Number(v.slice(8, 10));
  const m = month > 50 ? month - 50 : month;
  if (m < 1 || m > 12 || day < 1 || day > 31) return null;
  return { confidence: 'Medium' };
}

export function documentDetectors(): Detector[] {
  return [
    doc({
      id: 'UK_PASSPORT_NUMBER',
      description: 'UK passport number (9 digits, or 2 letters + 7 digits) near a UK passport keyword',
      pattern: /(?<![A-Za-z0-9])(?:\d{9}|[A-Z]{2}\d{7})(?![A-Za-z0-9])/g,
      keywords: ['uk passport', 'british passport', 'united kingdom passport', 'hm passport', 'gb passport', 'passport uk', 'passport (uk)'],
      minDigits: 7,
      minToken: 9,
    }),
    doc({
      id: 'GERMANY_PASSPORT_NUMBER',
      description: 'German passport number (9 chars from C,F,G,H,J,K + 8 of CFGHJKLMNPRTVWXYZ0-9) near a German keyword',
      pattern: /(?<![A-Za-z0-9])[CFGHJK][CFGHJKLMNPRTVWXYZ0-9]{8}(?![A-Za-z0-9])/g,
      keywords: ['reisepass', 'reisepassnummer', 'passnummer', 'german passport', 'deutscher reisepass', 'passport (de)', 'de passport'],
      minDigits: 4,
      minToken: 9,
    }),
    doc({
      id: 'CANADA_PASSPORT_NUMBER',
      description: 'Canadian passport number (2 letters + 6 digits) near a passport keyword',
      pattern: /(?<![A-Za-z0-9])[A-Z]{2}\d{6}(?![A-Za-z0-9])/g,
      keywords: [...PASSPORT, 'canadian passport', 'passeport', 'canada passport'],
      minDigits: 6,
      minToken: 8,
    }),
    doc({
      id: 'FRANCE_PASSPORT_NUMBER',
      description: 'French passport number (2 digits + 2 letters + 5 digits) near a passport keyword',
      pattern: /(?<![A-Za-z0-9])\d{2}[A-Z]{2}\d{5}(?![A-Za-z0-9])/g,
      keywords: [...PASSPORT, 'passeport', 'numéro de passeport', 'french passport'],
      minDigits: 5,
      minToken: 9,
    }),
    doc({
      id: 'USA_PASSPORT_NUMBER',
      description: 'US passport number (9 digits, or 1 letter + 8 digits) near a passport keyword',
      pattern: /(?<![A-Za-z0-9])(?:\d{9}|[A-Z]\d{8})(?![A-Za-z0-9])/g,
      keywords: [...PASSPORT, 'us passport', 'u.s. passport', 'united states passport', 'passport card'],
      minDigits: 8,
      minToken: 9,
    }),
    doc({
      id: 'UK_DRIVERS_LICENSE',
      description: 'UK (DVLA) driving licence number (16 chars with an encoded birth date)',
      pattern: /(?<![A-Za-z0-9])[A-Z9]{5}\d[0156]\d[0-3]\d\d[A-Z9]{2}\d[A-Z]{2}(?:\d{2})?(?![A-Za-z0-9])/g,
      keywords: [...LICENCE, 'dvla', 'uk driving licence', 'driving licence number'],
      minDigits: 6,
      minToken: 16,
      validate: ukLicence,
    }),
    doc({
      id: 'CANADA_DRIVERS_LICENSE',
      description: 'Canadian (Ontario-style) driver licence number: letter + 4-5-5 digits',
      pattern: /(?<![A-Za-z0-9])[A-Z]\d{4}-?\d{5}-?\d{5}(?![A-Za-z0-9])/g,
      keywords: [...LICENCE, 'permis de conduire', 'ontario licence', 'canadian licence'],
      minDigits: 14,
      minToken: 15,
    }),
    doc({
      id: 'GERMANY_DRIVERS_LICENSE',
      description: 'German driving licence number (Führerscheinnummer, 11 alphanumerics) near a German keyword',
      pattern: /(?<![A-Za-z0-9])[A-Z0-9]\d{2}[A-Z0-9]{6}\d[A-Z0-9](?![A-Za-z0-9])/g,
      keywords: ['führerschein', 'fuhrerschein', 'fuehrerschein', 'führerscheinnummer', 'führerschein-nr', 'german driving licence', 'german driver license'],
      minDigits: 4,
      minToken: 11,
    }),
    doc({
      id: 'FRANCE_DRIVERS_LICENSE',
      description: 'French driving licence number (12 digits, or 2 digits + 2 letters + 6 digits) near a French keyword',
      pattern: /(?<![A-Za-z0-9])(?:\d{12}|\d{2}[A-Z]{2}\d{6})(?![A-Za-z0-9])/g,
      keywords: ['permis de conduire', 'numéro de permis', 'permis', 'french driving licence', 'french driver license'],
      minDigits: 6,
      minToken: 10,
    }),
    doc({
      id: 'DRIVERS_LICENSE',
      description: "US driver's licence number (state formats: letter + 4-14 digits, 7-13 digits, alphanumeric) near a keyword",
      pattern: /(?<![A-Za-z0-9])(?:[A-Z]{1,2}\d{4,14}|\d{7,13}|\d{3}[A-Z]{2}\d{4}|[A-Z]\d{3}-\d{3}-\d{2}-\d{3}-\d|[A-Z]-?\d{3}-?\d{3}-?\d{3}-?\d{3}|\d{2}-\d{3}-\d{4})(?![A-Za-z0-9])/g,
      keywords: LICENCE,
      minDigits: 4,
      minToken: 5,
    }),
  ];
}
