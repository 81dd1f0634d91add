/**
 * Value generators for the evaluation corpus: for each managed identifier, realistic valid values
 * (correct check digits, real formats and groupings), checksum-invalid decoys, the keyword phrases
 * people actually write before them, and column / field names. Check digits are computed with the
 * same published algorithms the detectors verify (detectors/checksums.ts and friends).
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { iso7064Mod1110CheckDigit, luhnCheckDigit, mod97, verhoeffCheckDigit, weightedSum } from '../detectors/checksums.js';
import { codiceFiscaleCheck, dniLetter, nirKey, ssnValid } from '../detectors/national-ids.js';
import { ALNUM, BASE64, DIGITS, UPPER, type Rng } from './rng.js';

/** Which precision/recall bar applies: checksum-validated (0.95) or keyword-dependent (0.85). */
export type EvalKind = 'checksum' | 'keyword' | 'format';

export interface ValueSpec {
  id: string;
  kind: EvalKind;
  /** Keyword-less occurrences must not be reported (they become negatives). */
  keywordRequired: boolean;
  /** Id reported when no keyword is near (cards). */
  noKeywordId?: string;
  /** Needs a card number nearby (expiry, CVV). */
  nearCard?: boolean;
  /** Written as a configuration line (`key = value`) rather than in prose. */
  config?: boolean;
  /** Per-value keyword requirement (e.g. national-format phone numbers need one). */
  needsKeyword?(value: string): boolean;
  valid(r: Rng): string;
  /** A value of the same shape whose check fails: never reported. */
  invalid?(r: Rng): string;
  /** Phrases written right before the value. */
  keywords: readonly string[];
  /** CSV column / JSON field names for the value. */
  columns: readonly string[];
}

const group = (s: string, sizes: readonly number[], sep: string): string => {
  const out: string[] = [];
  let i = 0;
  for (const n of sizes) { out.push(s.slice(i, i + n)); i += n; }
  return out.join(sep);
};
const flipLast = (s: string): string => {
  const last = s[s.length - 1]!;
  const repl = /\d/.test(last) ? String((Number(last) + 1 + (Number(last) % 3)) % 10) : last === 'A' ? 'B' : 'A';
  return s.slice(0, -1) + repl;
};

/** Common brands and lengths; `rare` adds 19-digit Visa, which is reported only with a keyword. */
function cardDigits(r: Rng, rare = false): string {
  const common: ReadonlyArray<readonly [string, number]> = [['4', 16], ['51', 16], ['55', 16], ['2223', 16], ['34', 15], ['37', 15], ['6011', 16], ['65', 16], ['3530', 16]];
  const brand = rare ? (['4', 19] as const) : r.pick(common);
  const body = brand[0] + r.digits(brand[1] - brand[0].length - 1);
  return body + luhnCheckDigit(body);
}
function formatCard(r: Rng, d: string): string {
  if (d.length === 15) return r.pick([d, group(d, [4, 6, 5], ' '), group(d, [4, 6, 5], '-')]);
  if (d.length === 16) return r.pick([d, group(d, [4, 4, 4, 4], ' '), group(d, [4, 4, 4, 4], '-'), group(d, [4, 4, 4, 4], ' ')]);
  return d;
}

function iban(r: Rng, valid: boolean): string {
  const [cc, bban] = r.pick([
    ['DE', () => r.digits(18)], ['FR', () => r.digits(10) + r.chars(11, UPPER + DIGITS) + r.digits(2)],
    ['GB', () => r.chars(4, UPPER) + r.digits(14)], ['ES', () => r.digits(20)], ['IT', () => r.chars(1, UPPER) + r.digits(10) + r.digits(12)],
    ['NL', () => r.chars(4, UPPER) + r.digits(10)], ['BE', () => r.digits(12)], ['CH', () => r.digits(17)], ['AT', () => r.digits(16)],
    ['PL', () => r.digits(24)],
  ] as const);
  const b = bban();
  let check = 98 - mod97(`${b}${cc}00`);
  if (!valid) check = (check + r.int(1, 90)) % 97 + 2;
  const compact = `${cc}${String(check).padStart(2, '0')}${b}`;
  return r.chance(0.6) ? compact.replace(/(.{4})/g, '$1 ').trim() : compact;
}

function aba(r: Rng, valid: boolean): string {
  const body = r.pick(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '21', '22', '26', '31', '32']) + r.digits(6);
  let c = (10 - (weightedSum(body, [3, 7, 1, 3, 7, 1, 3, 7]) % 10)) % 10;
  if (!valid) c = (c + r.int(1, 9)) % 10;
  return body + String(c);
}

function ssn(r: Rng): string {
  for (;;) {
    const d = String(r.int(1, 899)).padStart(3, '0') + String(r.int(1, 99)).padStart(2, '0') + String(r.int(1, 9999)).padStart(4, '0');
    if (ssnValid(d)) return d;
  }
}

function cpf(r: Rng, valid: boolean): string {
  const b = r.digits(9);
  const c1 = ((weightedSum(b, [10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  const c2 = ((weightedSum(b + c1, [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) * 10) % 11) % 10;
  const d = b + c1 + (valid ? c2 : (c2 + 1) % 10);
  return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
}

function cnpj(r: Rng, valid: boolean): string {
  const b = r.digits(8) + '0001';
  const c1 = (11 - (weightedSum(b, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) % 11)) % 11 % 10;
  const c2 = (11 - (weightedSum(b + c1, [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) % 11)) % 11 % 10;
  const d = b + c1 + (valid ? c2 : (c2 + 1) % 10);
  return `${d.slice(0, 2)}.${d.slice(2, 5)}.${d.slice(5, 8)}/${d.slice(8, 12)}-${d.slice(12)}`;
}

function aadhaar(r: Rng, valid: boolean): string {
  const b = String(r.int(2, 9)) + r.digits(10);
  const c = verhoeffCheckDigit(b);
  const d = b + (valid ? c : String((Number(c) + r.int(1, 9)) % 10));
  return r.chance(0.7) ? group(d, [4, 4, 4], ' ') : d;
}

const CF_MONTHS = 'ABCDEHLMPRST';
function codiceFiscale(r: Rng, valid: boolean): string {
  const day = r.chance(0.5) ? r.int(1, 31) : r.int(41, 71);
  const body = r.chars(6, 'BCDFGLMNPRSTVZ') + r.digits(2) + r.pick([...CF_MONTHS]) + String(day).padStart(2, '0') + r.pick([...'ABCDEFGHILMZ']) + r.digits(3);
  const c = codiceFiscaleCheck(body);
  return body + (valid ? c : String.fromCharCode(65 + ((c.charCodeAt(0) - 65 + r.int(1, 25)) % 26)));
}

function nir(r: Rng, valid: boolean): string {
  const body = String(r.int(1, 2)) + r.digits(2) + String(r.int(1, 12)).padStart(2, '0') + String(r.int(1, 95)).padStart(2, '0') + r.digits(3) + r.digits(3);
  let key = nirKey(body);
  if (!valid) key = (key % 97) + 1 === key ? key + 1 : (key % 97) + 1;
  const k = String(key).padStart(2, '0');
  return r.chance(0.5) ? `${body[0]} ${body.slice(1, 3)} ${body.slice(3, 5)} ${body.slice(5, 7)} ${body.slice(7, 10)} ${body.slice(10)} ${k}` : body + k;
}

function steuerId(r: Rng, valid: boolean): string {
  for (;;) {
    const pool = [...DIGITS].sort(() => r.next() - 0.5);
    const ten = pool.slice(0, 9);
    ten.splice(r.int(0, 9), 0, ten[r.int(0, 8)]!);
    const b = ten.join('');
    if (b[0] === '0') continue;
    const c = iso7064Mod1110CheckDigit(b);
    return b + (valid ? c : String((Number(c) + r.int(1, 9)) % 10));
  }
}

function bsn(r: Rng, valid: boolean): string {
  for (;;) {
    const b = String(r.int(1, 9)) + r.digits(7);
    const c = weightedSum(b, [9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    if (c === 10) continue;
    return b + (valid ? String(c) : String((c + r.int(1, 9)) % 10));
  }
}

function nhs(r: Rng, valid: boolean): string {
  for (;;) {
    const b = r.digits(9);
    let c = 11 - (weightedSum(b, [10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11);
    if (c === 11) c = 0;
    if (c === 10) continue;
    const d = b + (valid ? String(c) : String((c + r.int(1, 9)) % 10));
    return r.chance(0.6) ? group(d, [3, 3, 4], ' ') : d;
  }
}

function npi(r: Rng, valid: boolean): string {
  const b = String(r.int(1, 2)) + r.digits(8);
  const c = luhnCheckDigit(`80840${b}`);
  return b + (valid ? c : String((Number(c) + r.int(1, 9)) % 10));
}

function dea(r: Rng, valid: boolean): string {
  const d = r.digits(6);
  const s = Number(d[0]) + Number(d[2]) + Number(d[4]) + 2 * (Number(d[1]) + Number(d[3]) + Number(d[5]));
  const c = valid ? s % 10 : (s + r.int(1, 9)) % 10;
  return r.pick([...'ABFGMPRX']) + r.chars(1, UPPER) + d + String(c);
}

const MBI_A = 'ACDEFGHJKMNPQRTUVWXY';
function mbi(r: Rng): string {
  const an = MBI_A + DIGITS;
  const v = String(r.int(1, 9)) + r.chars(1, MBI_A) + r.chars(1, an) + r.digits(1) + r.chars(1, MBI_A) + r.chars(1, an) + r.digits(1) + r.chars(2, MBI_A) + r.digits(2);
  return r.chance(0.4) ? `${v.slice(0, 4)}-${v.slice(4, 7)}-${v.slice(7)}` : v;
}

function phone(r: Rng): string {
  for (;;) {
    const v = r.pick([
      () => `+1 ${r.pick(['212', '415', '617', '312', '206', '512', '303', '404', '646', '702'])} ${r.int(200, 989)} ${r.digits(4)}`,
      () => `+44 20 7${r.digits(3)} ${r.digits(4)}`,
      () => `+44 7${r.int(400, 999)} ${r.digits(6)}`,
      () => `+49 30 ${r.digits(8)}`,
      () => `+49 151 ${r.digits(8)}`,
      () => `+33 6 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
      () => `+33 1 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
      () => `+91 98${r.digits(3)} ${r.digits(5)}`,
      () => `(${r.pick(['212', '415', '617', '312', '206'])}) ${r.int(200, 989)}-${r.digits(4)}`,
      () => `${r.pick(['212', '415', '617', '312'])}-${r.int(200, 989)}-${r.digits(4)}`,
      () => `020 7${r.digits(3)} ${r.digits(4)}`,
    ])();
    const p = v.startsWith('+') ? parsePhoneNumberFromString(v) : (parsePhoneNumberFromString(v, 'US') ?? undefined);
    const ok = p?.isValid() || (!v.startsWith('+') && parsePhoneNumberFromString(v, 'GB')?.isValid());
    if (ok) return v;
  }
}

const FIRST = ['james', 'maria', 'wei', 'olga', 'ahmed', 'sofia', 'liam', 'chloe', 'arjun', 'lucas', 'emma', 'noah'];
const LAST = ['smith', 'garcia', 'chen', 'ivanova', 'khan', 'rossi', 'murphy', 'dubois', 'patel', 'silva', 'muller', 'jones'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.co.uk', 'acme-corp.com', 'example.org', 'uni-heidelberg.de', 'mail.ru', 'company.io', 'orange.fr'];

const STREETS = ['Maple', 'Oak', 'Evergreen', 'Sunset', 'Baker', 'High', 'Church', 'Mill', 'Park', 'Washington', 'Lincoln', 'Elm'];
const US_CITIES: ReadonlyArray<[string, string, string]> = [['Springfield', 'IL', '627'], ['Austin', 'TX', '787'], ['Portland', 'OR', '972'], ['Denver', 'CO', '802'], ['Boston', 'MA', '021'], ['San Jose', 'CA', '951']];
const UK_TOWNS: ReadonlyArray<[string, string]> = [['London', 'SW1A 2AA'], ['Manchester', 'M1 1AE'], ['Leeds', 'LS1 4DY'], ['Bristol', 'BS1 5TR'], ['Oxford', 'OX1 3BG']];

function usAddress(r: Rng): string {
  const [city, st, zip] = r.pick(US_CITIES);
  return `${r.int(1, 9999)} ${r.pick(STREETS)} ${r.pick(['Street', 'St', 'Avenue', 'Ave', 'Road', 'Drive', 'Lane', 'Blvd'])}${r.chance(0.3) ? `, Apt ${r.int(1, 40)}` : ''}, ${city}, ${st} ${zip}${r.digits(2)}`;
}
function ukAddress(r: Rng): string {
  const [town, pc] = r.pick(UK_TOWNS);
  return `${r.int(1, 200)} ${r.pick(STREETS)} ${r.pick(['Street', 'Road', 'Lane', 'Close', 'Gardens', 'Crescent'])}, ${town} ${pc}`;
}

function dob(r: Rng): string {
  const y = r.int(1940, 2006);
  const m = r.int(1, 12);
  const d = r.int(1, 28);
  const mm = String(m).padStart(2, '0');
  const dd = String(d).padStart(2, '0');
  const names = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  return r.pick([`${y}-${mm}-${dd}`, `${mm}/${dd}/${y}`, `${dd}/${mm}/${y}`, `${dd}.${mm}.${y}`, `${d} ${names[m - 1]} ${y}`, `${names[m - 1]} ${d}, ${y}`, `${d} ${names[m - 1]!.slice(0, 3)} ${y}`]);
}

function jwt(r: Rng): string {
  const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: r.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })}.${b64({ sub: r.digits(8), name: r.pick(FIRST), iat: 1700000000 + r.int(0, 9999999), exp: 1800000000 })}.${r.chars(43, `${ALNUM}-_`)}`;
}

function privateKey(r: Rng, label: string): string {
  const lines: string[] = [];
  for (let i = 0; i < r.int(8, 20); i++) lines.push(r.chars(64, BASE64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n${r.chars(24, BASE64)}==\n-----END ${label}-----`;
}

const awsSecret = (r: Rng): string => {
  for (;;) { const s = r.chars(40, BASE64); if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /\d/.test(s)) return s; }
};
export const awsKeyId = (r: Rng): string => r.pick(['AKIA', 'ASIA']) + r.chars(16, `${UPPER}234567`);
const strongPassword = (r: Rng): string => r.chars(r.int(4, 8), ALNUM) + r.pick(['!', '#', '@', '%', '-', '_', '9']) + r.chars(r.int(3, 8), ALNUM) + r.digits(1);
/** Passwords inside URLs are percent-encoded. */
const urlPassword = (r: Rng): string => encodeURIComponent(strongPassword(r));

const PASSPORT_KW = ['passport number', 'Passport No.', 'passport #', 'Passport:', 'passport no'];
const LICENCE_KW = ["driver's license number", "Driver's License:", 'DL#', 'driving licence no.', 'license number'];

/** Every managed identifier the corpus covers. */
export function valueSpecs(): ValueSpec[] {
  return [
    { id: 'CREDIT_CARD_NUMBER', noKeywordId: 'CREDIT_CARD_NUMBER_(NO_KEYWORD)', kind: 'checksum', keywordRequired: false, needsKeyword: (v) => v.replace(/\D/g, '').length > 16, valid: (r) => formatCard(r, cardDigits(r, r.chance(0.1))), invalid: (r) => formatCard(r, flipLast(cardDigits(r))), keywords: ['credit card number', 'Card number:', 'Visa', 'card no.', 'Mastercard ending', 'CC#', 'paid with card'], columns: ['card_number', 'credit_card', 'cc_number', 'pan'] },
    { id: 'CREDIT_CARD_EXPIRATION', nearCard: true, kind: 'keyword', keywordRequired: true, valid: (r) => `${String(r.int(1, 12)).padStart(2, '0')}/${r.int(25, 31)}`, keywords: ['exp', 'expiry', 'Expires', 'exp. date', 'valid thru'], columns: ['card_expiry', 'expiration_date', 'exp'] },
    { id: 'CREDIT_CARD_SECURITY_CODE', nearCard: true, kind: 'keyword', keywordRequired: true, valid: (r) => r.digits(3), keywords: ['CVV', 'cvv2', 'CVC', 'security code'], columns: ['cvv', 'cvc', 'card_security_code'] },
    { id: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => iban(r, true), invalid: (r) => iban(r, false), keywords: ['IBAN', 'IBAN:', 'account (IBAN)', 'pay to IBAN'], columns: ['iban', 'bank_account_iban', 'IBAN'] },
    { id: 'ABA_ROUTING_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => aba(r, true), invalid: (r) => aba(r, false), keywords: ['routing number', 'ABA', 'Routing #', 'ABA routing no.', 'bank routing number'], columns: ['routing_number', 'aba', 'aba_routing'] },
    { id: 'BANK_ACCOUNT_NUMBER', kind: 'keyword', keywordRequired: true, valid: (r) => String(r.int(1, 9)) + r.digits(r.int(8, 15)), keywords: ['bank account number', 'checking account', 'savings account no.', 'Account number:', 'acct #'], columns: ['bank_account_number', 'account_number', 'checking_account'] },
    { id: 'SWIFT_CODE', kind: 'keyword', keywordRequired: true, valid: (r) => r.chars(4, UPPER) + r.pick(['DE', 'FR', 'GB', 'US', 'CH', 'IT', 'ES', 'NL']) + r.chars(2, UPPER + '23456789') + (r.chance(0.5) ? r.chars(3, UPPER + DIGITS) : ''), keywords: ['SWIFT', 'BIC', 'SWIFT/BIC', 'swift code', 'BIC:'], columns: ['swift', 'bic', 'swift_code'] },
    { id: 'USA_SOCIAL_SECURITY_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => group(ssn(r), [3, 2, 4], r.pick(['-', '-', ' '])), invalid: (r) => r.pick([`${r.pick(['000', '666'])}-${r.digits(2)}-${r.digits(4)}`, `${r.int(100, 665)}-00-${r.digits(4)}`, `${r.int(100, 665)}-${r.int(10, 99)}-0000`]), keywords: ['SSN', 'Social Security number', 'SSN#', 'social security no.', 'SSN:'], columns: ['ssn', 'social_security_number', 'SSN'] },
    { id: 'USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => `9${r.digits(2)}-${r.int(70, 88)}-${r.digits(4)}`, invalid: (r) => `9${r.digits(2)}-${r.pick(['00', '10', '40', '93'])}-${r.digits(4)}`, keywords: ['ITIN', 'ITIN:', 'individual taxpayer identification number', 'taxpayer ID'], columns: ['itin', 'taxpayer_id'] },
    { id: 'UK_NATIONAL_INSURANCE_NUMBER', kind: 'format', keywordRequired: false, valid: (r) => { const v = r.pick(['AB', 'CE', 'JG', 'PR', 'SW', 'WX', 'HK']) + r.digits(6) + r.pick(['A', 'B', 'C', 'D']); return r.chance(0.4) ? `${v.slice(0, 2)} ${v.slice(2, 4)} ${v.slice(4, 6)} ${v.slice(6, 8)} ${v[8]}` : v; }, invalid: (r) => r.pick(['GB', 'BG', 'NK', 'DA', 'QQ']) + r.digits(6) + r.pick(['A', 'E', 'F']), keywords: ['National Insurance number', 'NI number', 'NINO', 'NI No:'], columns: ['ni_number', 'nino', 'national_insurance_number'] },
    { id: 'CANADA_SOCIAL_INSURANCE_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => { const b = String(r.pick([1, 2, 3, 4, 5, 6, 7, 9])) + r.digits(7); const d = b + luhnCheckDigit(b); return r.chance(0.5) ? group(d, [3, 3, 3], r.pick([' ', '-'])) : d; }, invalid: (r) => { const b = String(r.int(1, 7)) + r.digits(7); return group(flipLast(b + luhnCheckDigit(b)), [3, 3, 3], ' '); }, keywords: ['SIN', 'social insurance number', 'SIN:', "numéro d'assurance sociale"], columns: ['sin', 'social_insurance_number'] },
    { id: 'BRAZIL_CPF_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => cpf(r, true), invalid: (r) => cpf(r, false), keywords: ['CPF', 'CPF:', 'CPF nº', 'número do CPF'], columns: ['cpf', 'cpf_cliente'] },
    { id: 'BRAZIL_CNPJ_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => cnpj(r, true), invalid: (r) => cnpj(r, false), keywords: ['CNPJ', 'CNPJ:', 'CNPJ/MF'], columns: ['cnpj', 'cnpj_empresa'] },
    { id: 'INDIA_AADHAAR_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => aadhaar(r, true), invalid: (r) => aadhaar(r, false), keywords: ['Aadhaar', 'Aadhaar number', 'Aadhaar No.', 'UID'], columns: ['aadhaar', 'aadhaar_number', 'uid'] },
    { id: 'INDIA_PERMANENT_ACCOUNT_NUMBER', kind: 'keyword', keywordRequired: true, valid: (r) => r.chars(3, UPPER) + r.pick([...'PCHFT']) + r.chars(1, UPPER) + String(r.int(1, 9999)).padStart(4, '0') + r.chars(1, UPPER), keywords: ['PAN', 'PAN:', 'PAN card number', 'permanent account number'], columns: ['pan', 'pan_number', 'pan_no'] },
    { id: 'SPAIN_DNI_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => { const n = r.int(10000000, 99999999); return `${n}${r.pick(['', '-'])}${dniLetter(n)}`; }, invalid: (r) => { const n = r.int(10000000, 99999999); return `${n}${dniLetter(n + r.int(1, 22))}`; }, keywords: ['DNI', 'DNI:', 'NIF', 'documento nacional de identidad'], columns: ['dni', 'nif'] },
    { id: 'SPAIN_NIE_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => { const p = r.int(0, 2); const n = r.digits(7); return `${'XYZ'[p]}${n}${dniLetter(Number(`${p}${n}`))}`; }, invalid: (r) => { const p = r.int(0, 2); const n = r.digits(7); return `${'XYZ'[p]}${n}${dniLetter(Number(`${p}${n}`) + r.int(1, 22))}`; }, keywords: ['NIE', 'NIE:', 'número de identidad de extranjero'], columns: ['nie'] },
    { id: 'ITALY_NATIONAL_IDENTIFICATION_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => codiceFiscale(r, true), invalid: (r) => codiceFiscale(r, false), keywords: ['codice fiscale', 'C.F.', 'Codice Fiscale:', 'fiscal code'], columns: ['codice_fiscale', 'cf'] },
    { id: 'FRANCE_NATIONAL_IDENTIFICATION_NUMBER', kind: 'checksum', keywordRequired: false, valid: (r) => nir(r, true), invalid: (r) => nir(r, false), keywords: ['numéro de sécurité sociale', 'NIR', 'INSEE', 'n° sécu'], columns: ['nir', 'numero_securite_sociale', 'insee'] },
    { id: 'GERMANY_TAX_IDENTIFICATION_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => steuerId(r, true), invalid: (r) => steuerId(r, false), keywords: ['Steuer-ID', 'Steueridentifikationsnummer', 'IdNr', 'steuerliche Identifikationsnummer'], columns: ['steuer_id', 'steuerid', 'idnr'] },
    { id: 'NETHERLANDS_BSN_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => bsn(r, true), invalid: (r) => bsn(r, false), keywords: ['BSN', 'burgerservicenummer', 'BSN-nummer', 'BSN:'], columns: ['bsn', 'burgerservicenummer'] },
    { id: 'USA_NATIONAL_PROVIDER_IDENTIFIER', kind: 'checksum', keywordRequired: true, valid: (r) => npi(r, true), invalid: (r) => npi(r, false), keywords: ['NPI', 'NPI:', 'National Provider Identifier', 'provider NPI'], columns: ['npi', 'provider_npi'] },
    { id: 'US_DRUG_ENFORCEMENT_AGENCY_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => dea(r, true), invalid: (r) => dea(r, false), keywords: ['DEA number', 'DEA#', 'DEA registration', 'DEA:'], columns: ['dea_number', 'dea'] },
    { id: 'USA_MEDICARE_BENEFICIARY_IDENTIFIER', kind: 'keyword', keywordRequired: true, valid: mbi, keywords: ['Medicare number', 'MBI', 'Medicare Beneficiary Identifier', 'MBI:'], columns: ['mbi', 'medicare_id'] },
    { id: 'UK_NHS_NUMBER', kind: 'checksum', keywordRequired: true, valid: (r) => nhs(r, true), invalid: (r) => nhs(r, false), keywords: ['NHS number', 'NHS No.', 'NHS#', 'NHS:'], columns: ['nhs_number', 'nhs_no'] },
    { id: 'HEALTH_INSURANCE_MEMBER_ID', kind: 'keyword', keywordRequired: true, valid: (r) => r.pick([() => r.chars(3, UPPER) + r.digits(9), () => `W${r.digits(9)}`, () => `${r.chars(2, UPPER)}${r.digits(7)}-01`])(), keywords: ['member ID', 'Member ID:', 'subscriber ID', 'insurance ID', 'policy number'], columns: ['member_id', 'subscriber_id', 'insurance_id'] },
    { id: 'USA_PASSPORT_NUMBER', kind: 'keyword', keywordRequired: true, valid: (r) => (r.chance(0.5) ? r.digits(9).replace(/^0/, '5') : r.chars(1, UPPER) + r.digits(8)), keywords: PASSPORT_KW, columns: ['passport_number', 'passport_no'] },
    { id: 'CANADA_PASSPORT_NUMBER', kind: 'keyword', keywordRequired: true, valid: (r) => r.chars(2, UPPER) + r.digits(6), keywords: PASSPORT_KW, columns: ['passport_number'] },
    { id: 'FRANCE_PASSPORT_NUMBER', kind: 'keyword', keywordRequired: true, valid: (r) => r.digits(2) + r.chars(2, UPPER) + r.digits(5), keywords: ['numéro de passeport', 'passeport', ...PASSPORT_KW], columns: ['passeport', 'passport_number'] },
    { id: 'DRIVERS_LICENSE', kind: 'keyword', keywordRequired: true, valid: (r) => r.pick([() => r.chars(1, UPPER) + r.digits(7), () => r.chars(1, UPPER) + r.digits(12), () => r.digits(r.int(7, 9))])(), keywords: LICENCE_KW, columns: ['drivers_license', 'dl_number', 'license_number'] },
    { id: 'UK_DRIVERS_LICENSE', kind: 'keyword', keywordRequired: true, valid: (r) => r.pick(['MORGA', 'SMITH', 'JONES', 'TAYLO', 'BROWN']) + String(r.int(5, 9)) + String(r.int(1, 12) + (r.chance(0.5) ? 50 : 0)).padStart(2, '0') + String(r.int(1, 28)).padStart(2, '0') + r.digits(1) + r.chars(2, UPPER) + '9' + r.chars(2, UPPER), keywords: ['driving licence number', 'DVLA licence', "driver's licence no."], columns: ['driving_licence_number'] },
    { id: 'EMAIL_ADDRESS', kind: 'format', keywordRequired: false, valid: (r) => `${r.pick(FIRST)}${r.pick(['.', '_', ''])}${r.pick(LAST)}${r.chance(0.3) ? r.int(1, 99) : ''}@${r.pick(DOMAINS)}`, invalid: (r) => `${r.pick(FIRST)}@${r.int(2, 3)}x.png`, keywords: ['email', 'E-mail:', 'contact'], columns: ['email', 'email_address', 'contact_email'] },
    { id: 'PHONE_NUMBER', kind: 'keyword', keywordRequired: false, needsKeyword: (v) => !v.startsWith('+'), valid: phone, keywords: ['phone', 'Tel:', 'mobile', 'call me on', 'Phone number:'], columns: ['phone', 'phone_number', 'mobile'] },
    { id: 'IP_ADDRESS', kind: 'format', keywordRequired: false, valid: (r) => `${r.pick([r.int(11, 126), r.int(128, 223)])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`, keywords: ['IP', 'client IP', 'from', 'source address'], columns: ['ip', 'client_ip', 'ip_address'] },
    { id: 'IPV6_ADDRESS', kind: 'format', keywordRequired: false, valid: (r) => r.pick([() => `2001:db8:${r.chars(4, '0123456789abcdef')}::${r.chars(3, '0123456789abcdef')}`, () => `fe80::${r.chars(4, '0123456789abcdef')}:${r.chars(4, '0123456789abcdef')}:${r.chars(4, '0123456789abcdef')}:${r.chars(4, '0123456789abcdef')}`, () => Array.from({ length: 8 }, () => r.chars(4, '0123456789abcdef')).join(':')])(), keywords: ['IPv6', 'address', 'remote'], columns: ['ipv6', 'ip_address'] },
    { id: 'LATITUDE_LONGITUDE', kind: 'format', keywordRequired: false, valid: (r) => (r.chance(0.25)
      // Degrees, minutes and seconds with hemispheres, as GPS exports and photo metadata write them.
      ? `${r.int(10, 89)}°${r.int(10, 59)}'${r.int(10, 59)}"${r.pick(['N', 'S'])}, ${r.int(10, 179)}°${r.int(10, 59)}'${r.int(10, 59)}"${r.pick(['E', 'W'])}`
      : `${(r.next() * 170 - 85).toFixed(r.int(4, 6))}, ${(r.next() * 350 - 175).toFixed(r.int(4, 6))}`), keywords: ['GPS', 'coordinates', 'location'], columns: ['coordinates', 'gps', 'location'] },
    { id: 'DATE_OF_BIRTH', kind: 'keyword', keywordRequired: true, valid: dob, keywords: ['date of birth', 'DOB:', 'born on', 'Birthday:', 'D.O.B.'], columns: ['dob', 'date_of_birth', 'birth_date'] },
    { id: 'ADDRESS', kind: 'keyword', keywordRequired: false, valid: (r) => (r.chance(0.6) ? usAddress(r) : ukAddress(r)), keywords: ['address', 'Home address:', 'ship to', 'lives at', 'mailing address'], columns: ['address', 'home_address', 'mailing_address'] },
    { id: 'AWS_ACCESS_KEY_ID', config: true, kind: 'format', keywordRequired: false, valid: awsKeyId, invalid: (r) => `AKIA${r.chars(9, UPPER)}EXAMPLE`, keywords: ['aws_access_key_id =', 'AccessKeyId:'], columns: ['aws_access_key_id', 'access_key_id'] },
    { id: 'AWS_CREDENTIALS', config: true, kind: 'keyword', keywordRequired: true, valid: awsSecret, keywords: ['aws_secret_access_key =', 'AWS_SECRET_ACCESS_KEY=', 'SecretAccessKey:', 'secret key:'], columns: ['aws_secret_access_key', 'secret_access_key'] },
    { id: 'PKCS', config: true, kind: 'format', keywordRequired: false, valid: (r) => privateKey(r, r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY'])), keywords: ['key:'], columns: ['private_key'] },
    { id: 'OPENSSH_PRIVATE_KEY', config: true, kind: 'format', keywordRequired: false, valid: (r) => privateKey(r, 'OPENSSH PRIVATE KEY'), keywords: ['id_ed25519:'], columns: ['ssh_key'] },
    { id: 'PGP_PRIVATE_KEY', config: true, kind: 'format', keywordRequired: false, valid: (r) => privateKey(r, 'PGP PRIVATE KEY BLOCK'), keywords: ['pgp:'], columns: ['pgp_key'] },
    { id: 'GITHUB_ACCESS_TOKEN', config: true, kind: 'format', keywordRequired: false, valid: (r) => `${r.pick(['ghp', 'gho', 'ghs'])}_${r.chars(36, ALNUM)}`, invalid: (r) => `ghp_${'x'.repeat(36)}`, keywords: ['GITHUB_TOKEN=', 'token:'], columns: ['github_token'] },
    { id: 'GITLAB_ACCESS_TOKEN', config: true, kind: 'format', keywordRequired: false, valid: (r) => `glpat-${r.chars(20, `${ALNUM}_-`)}`, keywords: ['GITLAB_TOKEN='], columns: ['gitlab_token'] },
    { id: 'SLACK_TOKEN', config: true, kind: 'format', keywordRequired: false, valid: (r) => `xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(24, ALNUM)}`, keywords: ['SLACK_BOT_TOKEN='], columns: ['slack_token'] },
    { id: 'STRIPE_CREDENTIALS', config: true, kind: 'format', keywordRequired: false, valid: (r) => `sk_live_${r.chars(r.int(24, 99), ALNUM)}`, keywords: ['STRIPE_SECRET_KEY='], columns: ['stripe_key'] },
    { id: 'GCP_API_KEY', config: true, kind: 'format', keywordRequired: false, valid: (r) => `AIza${r.chars(35, `${ALNUM}_-`)}`, keywords: ['GOOGLE_API_KEY='], columns: ['google_api_key'] },
    { id: 'JSON_WEB_TOKEN', config: true, kind: 'format', keywordRequired: false, valid: jwt, keywords: ['Authorization: Bearer'], columns: ['id_token', 'jwt'] },
    { id: 'PASSWORD', config: true, kind: 'keyword', keywordRequired: true, valid: strongPassword, invalid: (r) => r.pick(['${DB_PASSWORD}', '<your-password>', '********', 'changeme', '{{ vault.password }}']), keywords: ['password =', 'DB_PASSWORD=', 'password:', '"password": "', 'passwd='], columns: ['password', 'db_password'] },
    { id: 'DATABASE_CONNECTION_STRING', config: true, kind: 'format', keywordRequired: false, valid: (r) => `${r.pick(['postgres', 'mysql', 'mongodb+srv', 'redis'])}://${r.pick(['admin', 'app', 'svc_user'])}:${urlPassword(r)}@${r.pick(['db', 'cache', 'cluster0'])}.${r.pick(['internal', 'example.net', 'prod.local'])}:${r.int(1000, 9999)}/${r.pick(['app', 'orders', '0'])}`, invalid: (r) => `postgres://${r.pick(['user', 'admin'])}:\${DB_PASS}@db.internal:5432/app`, keywords: ['DATABASE_URL='], columns: ['database_url', 'dsn'] },
    { id: 'HTTP_BASIC_AUTH_URL', config: true, kind: 'format', keywordRequired: false, valid: (r) => `https://${r.pick(FIRST)}:${urlPassword(r)}@${r.pick(['git.acme-corp.com', 'repo.internal', 'api.vendor.io'])}/${r.pick(['v1/export', 'repo.git', 'feed'])}`, keywords: ['url:'], columns: ['url', 'endpoint'] },
    { id: 'HTTP_BASIC_AUTH_HEADER', config: true, kind: 'format', keywordRequired: true, valid: (r) => `Basic ${Buffer.from(`${r.pick(FIRST)}:${strongPassword(r)}`).toString('base64')}`, keywords: ['Authorization:'], columns: ['authorization'] },
  ];
}

