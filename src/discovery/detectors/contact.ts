/**
 * Contact and location data: e-mail addresses (structural checks + known TLD), phone numbers
 * (libphonenumber-js validity; international format stands alone, national format needs a
 * keyword), IPv4/IPv6 (parsed), GPS coordinates, dates of birth (near keywords, real dates in
 * 1900..today) and US/UK postal addresses (street + city + state/ZIP or postcode stands alone;
 * a bare street line needs a keyword).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import type { Candidate, Detector } from '../engine/model.js';
import { digitsOnly } from './checksums.js';
import { GENERIC_TLDS, ISO_COUNTRIES } from './countries.js';
import { regexDetector, type ValueContext, type Verdict } from './define.js';
import { internationalValidity } from './phone-validity.js';

function email(v: string): Verdict | null {
  const at = v.lastIndexOf('@');
  const local = v.slice(0, at);
  const domain = v.slice(at + 1).toLowerCase();
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..') || v.length > 254) return null;
  const tld = domain.slice(domain.lastIndexOf('.') + 1);
  if (!GENERIC_TLDS.has(tld) && !(tld.length === 2 && ISO_COUNTRIES.has(tld.toUpperCase()))) return null;
  return { confidence: 'High', normalized: `${local}@${domain}` };
}

const REGIONS: readonly CountryCode[] = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'ES', 'IT', 'NL', 'AU'];

function phone(v: string, ctx: ValueContext): Verdict | null {
  const d = digitsOnly(v);
  if (d.length < 7 || d.length > 15) return null;
  // Dates, times and dotted versions are not phone numbers.
  if (/^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$|^\d+(?:\.\d+){3}$/.test(v)) return null;
  const seps = v.replace(/^\+/, '').match(/[^\d]/g) ?? [];
  if (seps.some((s) => s === '/')) return null;
  if (v.startsWith('+') || v.startsWith('00')) {
    // Compiled metadata first (microseconds); the full parser only for what it cannot decide.
    const fast = internationalValidity(v.startsWith('00') ? d.slice(2) : d);
    if (fast !== undefined) return fast.valid ? { confidence: 'Medium', normalized: fast.e164, keywordRequired: false } : null;
    const p = parsePhoneNumberFromString(v.startsWith('00') ? `+${v.slice(2)}` : v);
    return p?.isValid() ? { confidence: 'Medium', normalized: p.number, keywordRequired: false } : null;
  }
  // National format needs a keyword: check it before the (costly) parse. Without a trunk
  // prefix 0 only North American numbering applies; with it, the other regions are tried.
  if (!ctx.keywordNear()) return null;
  // A North American number without trunk or country prefix parses as "+1" + its digits.
  if (/^[2-9]/.test(d)) {
    const fast = internationalValidity(`1${d}`);
    if (fast !== undefined) return fast.valid ? { confidence: 'Low', normalized: fast.e164, keywordRequired: true } : null;
  }
  for (const region of d.startsWith('0') ? REGIONS.slice(1) : ['US' as const]) {
    const p = parsePhoneNumberFromString(v, region);
    if (p?.isValid()) return { confidence: 'Low', normalized: p.number, keywordRequired: true };
  }
  return null;
}

function ipv4(v: string): Verdict | null {
  const addr = v.split('/')[0]!;
  if (!isIPv4(addr)) return null;
  const o = addr.split('.').map(Number);
  if (addr === '0.0.0.0' || addr === '255.255.255.255' || o[0] === 127 || o[0] === 0) return null;
  // 1.2.3.4-like quads are usually versions: keep them only next to an IP keyword.
  const small = o.every((x) => x < 10);
  return { confidence: small ? 'Low' : 'Medium', keywordRequired: small };
}

function ipv6(v: string): Verdict | null {
  const addr = v.split('/')[0]!;
  if (!isIPv6(addr)) return null;
  const groups = addr.split(':').filter((g) => g.length > 0);
  if (groups.length < 2 || addr === '::1') return null;
  if (!/[0-9]/.test(addr)) return null;
  return { confidence: 'Medium', normalized: addr.toLowerCase() };
}

/** The detector with its regex scan replaced by a hand-written one (same semantics). */
const withScan = (scan: Detector['scan'], d: Detector): Detector => Object.freeze({ ...d, scan });

/** A ':' that starts "::" or is followed by two more ':' within 12 chars (times have only two). */
function ipv6Hit(text: string, i: number): boolean {
  if (text.charCodeAt(i + 1) === 58) return true;
  const a = text.indexOf(':', i + 1);
  if (a === -1 || a - i > 5) return false;
  const b = text.indexOf(':', a + 1);
  return b !== -1 && b - i <= 12;
}

function coordinate(v: string): Verdict | null {
  // A degrees-minutes-seconds pair with hemispheres is a coordinate whatever surrounds it.
  if (v.includes('°')) return { confidence: 'Medium', keywordRequired: false };
  const parts = v.split(/\s*,\s*|\s+/).filter((x) => x.length > 0).map(Number);
  if (parts.length === 2) {
    const [lat, lon] = parts as [number, number];
    if (Math.abs(lat) > 90 || Math.abs(lon) > 180 || (lat === 0 && lon === 0)) return null;
    return { confidence: 'Medium', keywordRequired: false };
  }
  const x = parts[0]!;
  return Math.abs(x) <= 180 ? { confidence: 'Low', keywordRequired: true } : null;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_RE = '(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)';

function realDate(y: number, m: number, d: number): boolean {
  const now = new Date();
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d && dt.getTime() <= now.getTime();
}

function fullYear(y: string): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  return n + (n <= new Date().getUTCFullYear() % 100 ? 2000 : 1900);
}

export function parseDob(v: string): boolean {
  let m = /^(\d{4})[-/. ](\d{1,2})[-/. ](\d{1,2})$/.exec(v);
  if (m) return realDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})$/.exec(v);
  if (m) {
    const y = fullYear(m[3]!);
    return realDate(y, Number(m[1]), Number(m[2])) || realDate(y, Number(m[2]), Number(m[1]));
  }
  const month = (s: string): number => MONTHS.indexOf(s.slice(0, 3).toLowerCase()) + 1;
  m = /^(\d{1,2})(?:st|nd|rd|th)?[\s-]+(?:of\s+)?([A-Za-z]+)\.?,?[\s-]+(\d{4}|\d{2})$/.exec(v);
  if (m) return realDate(fullYear(m[3]!), month(m[2]!), Number(m[1]));
  m = /^([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(v);
  if (m) return realDate(Number(m[3]), month(m[1]!), Number(m[2]));
  return false;
}

const US_STATES = new Set(('AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM ' +
  'NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP').split(' '));
const SUFFIX = '(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Close|Crescent|Gardens|Mews|Row|Grove|Hill|Walk|Green)';
const ADDRESS = new RegExp(
  '(?<![\\w-])\\d{1,6}[A-Z]?,?\\s+(?:(?:[NSEW]|North|South|East|West)\\.?\\s+)?(?:(?:[A-Z][a-z]+|\\d{1,3}(?:st|nd|rd|th))\\.?\\s+){1,4}' + SUFFIX + '\\.?' +
  '(?:,?\\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|#)\\.?\\s*#?\\s*[A-Za-z0-9-]{1,6})?' +
  '(?:,?\\s+[A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,3},?\\s+(?:[A-Z]{2}\\s+\\d{5}(?:-\\d{4})?|[A-Z]{1,2}\\d[A-Z\\d]?\\s?\\d[A-Z]{2}))?(?![\\w-])',
  'g',
);
/** A house number: the run's last number has at most 6 digits and is followed by a space (or ", ") and a capital letter. */
function houseNumber(text: string, start: number, end: number): boolean {
  // What follows first: in prose most numbers are followed by a lower-case word.
  let i = end;
  if (text.charCodeAt(i) === 44) i++;
  if (text.charCodeAt(i) !== 32) return false;
  const c = text.charCodeAt(i + 1);
  if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57))) return false;
  let j = end;
  while (j > start && text.charCodeAt(j - 1) >= 48 && text.charCodeAt(j - 1) <= 57) j--;
  return end - j <= 6;
}

/**
 * A dotted quad has its dots inside one digit run, a decimal coordinate its decimal point, a DMS
 * coordinate its degree sign: runs without one (years, amounts, ids) open no window.
 */
function dotOrDegreeInRun(text: string, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 || c === 0xb0) return true;
  }
  return false;
}

const DATE_RUN = /(?<!\d)(?:\d{1,4}[-/. ]\d{1,2}[-/. ]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?,? \d{4})(?!\d)/;
const MONTH_BEFORE = /(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(?:(?:the\s+)?\d{1,2}(?:st|nd|rd|th)?,?\s+|of\s+)?$/i;

/** Three ASCII letters (any case) as a 15-bit number. */
const trigram = (t: string, i: number): number => (((t.charCodeAt(i) | 32) - 96) << 10) | (((t.charCodeAt(i + 1) | 32) - 96) << 5) | ((t.charCodeAt(i + 2) | 32) - 96);
/** Month abbreviations by trigram (1 = a month). */
const MONTH_ABBR = new Uint8Array(1 << 15);
for (const m of MONTHS) MONTH_ABBR[trigram(m, 0)] = 1;
const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const SPACE = /\s/;
const isSpaceAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c === 32 || (c >= 9 && c <= 13) || (c > 127 && SPACE.test(text[i]!));
};

/**
 * Whether MONTH_BEFORE matches the 20 chars before `start`, mostly decided without running it: the
 * regex ends in whitespace, and before that comes a word holding a month name (then "." / ","),
 * "of", or a day number ("14", "14th,"). A bare number after any other word ("in 1987") is
 * rejected here; the rest still goes through the regex, so the answer is always the regex's.
 */
function monthBefore(text: string, start: number): boolean {
  const from = Math.max(0, start - 20);
  let p = start;
  if (p <= from || !isSpaceAt(text, p - 1)) return false;
  while (p > from && isSpaceAt(text, p - 1)) p--;
  if (p > from && text.charCodeAt(p - 1) === 44) p--;
  if (p > from && text.charCodeAt(p - 1) === 46) p--;
  let w = p;
  while (w > from && isAsciiLetter(text.charCodeAt(w - 1))) w--;
  const len = p - w;
  const l0 = len > 0 ? text.charCodeAt(w) | 32 : 0;
  const l1 = len > 1 ? text.charCodeAt(w + 1) | 32 : 0;
  let plausible = (len === 2 && l0 === 111 && l1 === 102) || // "of"
    // A day number, maybe with its suffix: "14", "14th", "1st", "2nd", "3rd".
    ((len === 0 || (len === 2 && ((l0 === 115 && l1 === 116) || (l0 === 110 && l1 === 100) || (l0 === 114 && l1 === 100) || (l0 === 116 && l1 === 104)))) &&
      w > from && isAsciiDigit(text.charCodeAt(w - 1)));
  // The regex is not anchored to a word start: "summary" holds "mar".
  for (let k = w; !plausible && k + 3 <= p; k++) plausible = MONTH_ABBR[trigram(text, k)] === 1;
  return plausible && MONTH_BEFORE.test(text.slice(from, start));
}

/** A numeric date, or a year / day-and-year preceded by a month name. */
function dateLike(text: string, start: number, end: number): boolean {
  // A run of digits only ("1987") is no numeric date: DATE_RUN needs a separator inside.
  let bare = true;
  for (let i = start; i < end; i++) if (!isAsciiDigit(text.charCodeAt(i))) { bare = false; break; }
  if (!bare && DATE_RUN.test(text.slice(start, end))) return true;
  // "14 March 1985", "March 14, 1985": the run is a year (or day + year) after a month name.
  return end - start >= 4 && isAsciiDigit(text.charCodeAt(start + 3)) && isAsciiDigit(text.charCodeAt(start + 2)) &&
    isAsciiDigit(text.charCodeAt(start + 1)) && isAsciiDigit(text.charCodeAt(start)) && monthBefore(text, start);
}

function address(v: string): Verdict | null {
  const us = /,?\s+([A-Z]{2})\s+\d{5}(?:-\d{4})?$/.exec(v);
  if (us !== null) return US_STATES.has(us[1]!) ? { confidence: 'Medium', keywordRequired: false } : null;
  if (/[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}$/.test(v)) return { confidence: 'Medium', keywordRequired: false };
  return { confidence: 'Low', keywordRequired: true };
}

const isLocalChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 95 || c === 37 || c === 43 || c === 45;
const isDomainChar = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46 || c === 45;
const EMAIL_SHAPE = /^[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}$/;

/**
 * E-mail scan anchored on '@': expand the local part left and the domain right with character
 * loops, then check the shape of that small candidate. Same matches as the equivalent regex
 * (local part, labels, TLD), far cheaper than a regex starting with a character class.
 */
function scanEmails(text: string): Candidate[] {
  const out: Candidate[] = [];
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s < 64 && isLocalChar(text.charCodeAt(s - 1))) s--;
    if (s === at || (s > 0 && isLocalChar(text.charCodeAt(s - 1)))) continue;
    let e = at + 1;
    while (e < text.length && e - at <= 254 && isDomainChar(text.charCodeAt(e))) e++;
    while (e > at + 1 && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
    const cand = text.slice(s, e);
    if (!EMAIL_SHAPE.test(cand)) continue;
    const v = email(cand);
    if (v === null) continue;
    out.push({ start: s, end: e, confidence: v.confidence, ...(v.normalized !== undefined ? { normalized: v.normalized } : {}) });
  }
  return out;
}

export function contactDetectors(): Detector[] {
  return [
    withScan(scanEmails, regexDetector({
      id: 'EMAIL_ADDRESS',
      category: 'Personal',
      severity: 'Low',
      description: 'E-mail address (RFC 5321 limits, known top-level domain)',
      trigger: { kind: 'literal', literals: ['@'], before: 64, after: 120 },
      pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-]|\.[A-Za-z0-9])/g,
      keywords: ['email', 'e-mail', 'mail', 'courriel', 'correo'],
      keywordRequired: false,
      validate: email,
      mask: (v) => `${v[0]}***@${v.slice(v.lastIndexOf('@') + 1)}`,
    })),
    regexDetector({
      id: 'PHONE_NUMBER',
      category: 'Personal',
      severity: 'Low',
      description: 'Phone number valid for its region (libphonenumber); national format needs a keyword',
      trigger: { kind: 'digits', minDigits: 7 },
      // Groups need a separator between them (no ambiguous splits of a digit string to backtrack over).
      pattern: /(?<![\w+.,/:-])(?:(?:\+|00)[1-9]\d{0,2}[ .-]?)?(?:\(\d{1,5}\)[ .-]?)?(?:\d{1,8}(?:[ .-]\d{1,8}){1,5}|\d{7,15})(?![\w]|[.,/:-]\d)/g,
      keywords: ['phone', 'telephone', 'tel', 'mobile', 'cell', 'cellphone', 'fax', 'call me', 'call us', 'ph', 'phone number', 'tél', 'téléphone', 'telefon', 'teléfono', 'telefono', 'móvil', 'handy', 'whatsapp', 'sms', 'mob', 'tel no', 'landline'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: phone,
    }),
    regexDetector({
      id: 'IP_ADDRESS',
      category: 'Personal',
      severity: 'Low',
      description: 'IPv4 address (dotted quad, optional CIDR); loopback and unspecified excluded',
      trigger: { kind: 'digits', minDigits: 4, accept: dotOrDegreeInRun },
      pattern: /(?<![\w.-])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\/(?:3[0-2]|[12]?\d))?(?![\w-]|\.\d)/g,
      keywords: ['ip', 'ip address', 'ipv4', 'host', 'address', 'addr', 'client', 'server', 'src', 'dst', 'remote', 'from', 'source', 'destination', 'peer'],
      negativeKeywords: ['version', 'ver', 'release', 'build', 'rev', 'revision', 'firmware', 'oid'],
      keywordRequired: false,
      validate: ipv4,
    }),
    regexDetector({
      id: 'IPV6_ADDRESS',
      category: 'Personal',
      severity: 'Low',
      description: 'IPv6 address (RFC 4291 text forms, parsed)',
      trigger: { kind: 'literal', literals: [':'], before: 40, after: 46, accept: ipv6Hit },
      pattern: /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:\/\d{1,3})?(?![\w:]|\.\w)/g,
      keywords: ['ip', 'ipv6', 'ip address', 'address', 'addr', 'host'],
      keywordRequired: false,
      validate: ipv6,
    }),
    regexDetector({
      id: 'LATITUDE_LONGITUDE',
      category: 'Personal',
      severity: 'Low',
      description: 'GPS coordinates: a decimal latitude,longitude pair, DMS pair, or one coordinate near a keyword',
      // Margins, not word windows: a DMS pair is two runs ("51°30'26" and "0°7'39") with the
      // hemisphere letters after each, and a word window around either one cuts the match.
      trigger: { kind: 'digits', minDigits: 4, before: 40, after: 40, accept: dotOrDegreeInRun },
      pattern: /(?<![\w.-])-?\d{1,3}\.\d{4,8}(?:\s*,\s*|\s+)-?\d{1,3}\.\d{4,8}(?![\w]|\.\d)|(?<![\w.-])-?\d{1,3}\.\d{4,8}(?![\w]|\.\d)|\d{1,3}°\s?\d{1,2}['′]\s?\d{1,2}(?:\.\d+)?(?:"|″|'')\s?[NS],?\s*\d{1,3}°\s?\d{1,2}['′]\s?\d{1,2}(?:\.\d+)?(?:"|″|'')\s?[EW]/g,
      keywords: ['latitude', 'longitude', 'lat', 'lng', 'lon', 'long', 'coordinates', 'coords', 'gps', 'geo', 'location', 'geolocation', 'position'],
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: coordinate,
    }),
    regexDetector({
      id: 'DATE_OF_BIRTH',
      category: 'Personal',
      severity: 'Medium',
      description: 'Date of birth: a real date (1900..today, numeric or month names) near a birth keyword',
      trigger: { kind: 'digits', minDigits: 4, before: 24, after: 2, accept: dateLike },
      pattern: new RegExp(`(?<![\\w/.-])(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|\\d{1,2}[-/. ]\\d{1,2}[-/. ](?:\\d{4}|\\d{2})|\\d{1,2}(?:st|nd|rd|th)?[\\s-]+(?:of\\s+)?${MONTH_RE}\\.?,?[\\s-]+(?:\\d{4}|\\d{2})|${MONTH_RE}\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})(?![\\w/]|[.-]\\d)`, 'gi'),
      keywords: ['bday', 'b-day', 'birth date', 'birthday', 'date of birth', 'dob', 'd.o.b', 'born', 'born on', 'birthdate', 'geburtsdatum', 'date de naissance', 'né le', 'fecha de nacimiento', 'data di nascita', 'geboortedatum'],
      keywordRequired: true,
      validate: (v) => (parseDob(v) ? { confidence: 'Medium' } : null),
    }),
    regexDetector({
      id: 'ADDRESS',
      category: 'Personal',
      severity: 'Medium',
      description: 'US or UK postal address (number + street + suffix, city and state/ZIP or postcode)',
      trigger: { kind: 'digits', minDigits: 1, before: 2, after: 110, accept: houseNumber },
      pattern: ADDRESS,
      keywords: ['address', 'mailing address', 'home address', 'street address', 'residential address', 'billing address', 'shipping address', 'postal address', 'ship to', 'bill to', 'lives at', 'resides at', 'residing at', 'residence', 'domicile', 'adresse', 'anschrift', 'dirección', 'indirizzo', 'addr', 'deliver to'],
      maxDistance: 40,
      keywordRequired: true,
      valuesMayStandAlone: true,
      validate: address,
    }),
  ];
}
