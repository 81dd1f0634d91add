/**
 * The high-precision subset of the discovery engine's managed identifiers, and what each means
 * in a sentence. Only identifiers validated by a checksum (Luhn, mod 97, mod 11, Verhoeff, check
 * letters), by strict registry ranges (SSN/ITIN areas) or by an unmistakable credential shape
 * (fixed prefixes, PEM armour, decodable JWTs, URLs with a password) are used, so ordinary names
 * ("invoice-2024-03", "alice", "/teams/payroll/") are never refused. Heuristic identifiers
 * (passwords by keyword, phone numbers, e-mail and street addresses, bank account numbers
 * without a checksum) stay with the discovery scans of object contents.
 */
import { randomBytes } from 'node:crypto';
import { createKeywordMatcher, createScanner, managedDetectors, type Detector, type KeywordMatcher, type RawMatch, type Scanner } from '../discovery/index.js';

/** Short machine kind and the phrase used in messages ("contains what looks like <label>"). */
export interface SensitiveKind {
  /** Stable machine kind, e.g. `payment-card`, `iban`, `national-id`, `aws-secret-key`. */
  kind: string;
  /** Human phrase with its article: "a payment card number". */
  label: string;
}

/** identifier id -> kind, for every identifier the guards use (and nothing else). */
export const GUARD_IDENTIFIERS: Readonly<Record<string, SensitiveKind>> = Object.freeze({
  // Financial: brand range + length + Luhn; stripe data; IBAN length + mod 97; ABA 3-7-1 (keyword).
  CREDIT_CARD_NUMBER: { kind: 'payment-card', label: 'a payment card number' },
  'CREDIT_CARD_NUMBER_(NO_KEYWORD)': { kind: 'payment-card', label: 'a payment card number' },
  CREDIT_CARD_MAGNETIC_STRIPE: { kind: 'payment-card', label: 'payment card magnetic stripe data' },
  INTERNATIONAL_BANK_ACCOUNT_NUMBER: { kind: 'iban', label: 'an IBAN (international bank account number)' },
  ABA_ROUTING_NUMBER: { kind: 'bank-routing-number', label: 'a bank routing number' },
  // National identifiers with a check algorithm or registry ranges.
  USA_SOCIAL_SECURITY_NUMBER: { kind: 'national-id', label: 'a US Social Security number' },
  USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER: { kind: 'national-id', label: 'a US taxpayer identification number' },
  CANADA_SOCIAL_INSURANCE_NUMBER: { kind: 'national-id', label: 'a Canadian Social Insurance Number' },
  BRAZIL_CPF_NUMBER: { kind: 'national-id', label: 'a Brazilian CPF number' },
  BRAZIL_CNPJ_NUMBER: { kind: 'national-id', label: 'a Brazilian CNPJ number' },
  INDIA_AADHAAR_NUMBER: { kind: 'national-id', label: 'an Indian Aadhaar number' },
  SPAIN_DNI_NUMBER: { kind: 'national-id', label: 'a Spanish DNI number' },
  SPAIN_NIE_NUMBER: { kind: 'national-id', label: 'a Spanish NIE number' },
  ITALY_NATIONAL_IDENTIFICATION_NUMBER: { kind: 'national-id', label: 'an Italian fiscal code' },
  FRANCE_NATIONAL_IDENTIFICATION_NUMBER: { kind: 'national-id', label: 'a French social security number (NIR)' },
  GERMANY_TAX_IDENTIFICATION_NUMBER: { kind: 'national-id', label: 'a German tax identification number' },
  NETHERLANDS_BSN_NUMBER: { kind: 'national-id', label: 'a Dutch citizen service number (BSN)' },
  // Credentials with an unmistakable shape. AWS access key ids are deliberately absent: they are
  // identifiers AWS itself records, not secrets.
  AWS_CREDENTIALS: { kind: 'aws-secret-key', label: 'an AWS secret access key' },
  PKCS: { kind: 'private-key', label: 'a private key' },
  OPENSSH_PRIVATE_KEY: { kind: 'private-key', label: 'a private key' },
  PGP_PRIVATE_KEY: { kind: 'private-key', label: 'a private key' },
  PUTTY_PRIVATE_KEY: { kind: 'private-key', label: 'a private key' },
  GITHUB_ACCESS_TOKEN: { kind: 'access-token', label: 'an access token' },
  GITLAB_ACCESS_TOKEN: { kind: 'access-token', label: 'an access token' },
  SLACK_TOKEN: { kind: 'access-token', label: 'an access token' },
  SLACK_WEBHOOK_URL: { kind: 'access-token', label: 'a webhook URL with its secret' },
  STRIPE_CREDENTIALS: { kind: 'access-token', label: 'an API key' },
  GCP_API_KEY: { kind: 'access-token', label: 'an API key' },
  JSON_WEB_TOKEN: { kind: 'access-token', label: 'a JSON Web Token' },
  HTTP_BASIC_AUTH_HEADER: { kind: 'password', label: 'a Basic authorization header' },
  HTTP_BASIC_AUTH_URL: { kind: 'password', label: 'a URL with a user name and password' },
  DATABASE_CONNECTION_STRING: { kind: 'password', label: 'a connection string with a password' },
});

/** What the guard-specific AWS secret key check reports (a whole value shaped like one). */
export const AWS_SECRET_KEY_KIND: SensitiveKind = GUARD_IDENTIFIERS.AWS_CREDENTIALS!;

/**
 * The shared scanner plus a prefilter derived from the detectors' own triggers. The engine is
 * built for documents and allocates per scan, which costs ~20 us even for "alice"; most field
 * values fire no trigger at all (no digit run long enough, none of the credential literals, no
 * keyword among the context words), so they never reach it.
 */
interface Guard {
  scanner: Scanner;
  /** Fewest digits (in a run with at most 3 other characters between digits) any digit trigger needs. */
  minDigits: number;
  literals: readonly string[];
  regexes: readonly RegExp[];
  always: boolean;
  /** Keywords of the keyword-required detectors: such a word in the context scans the whole value. */
  contextKeywords: KeywordMatcher;
  contextCache: Map<string, boolean>;
}

let guard: Guard | null = null;

function variants(literals: readonly string[], caseInsensitive: boolean | undefined): string[] {
  if (!caseInsensitive) return [...literals];
  return literals.flatMap((l) => [l.toLowerCase(), l[0]!.toUpperCase() + l.slice(1).toLowerCase(), l.toUpperCase()]);
}

function build(): Guard {
  const scanner = createScanner({ detectors: managedDetectors(), identifiers: Object.keys(GUARD_IDENTIFIERS), hashKey: randomBytes(32) });
  let minDigits = Infinity;
  const literals = new Set<string>();
  const regexes: RegExp[] = [];
  let always = false;
  const keywords: string[] = [];
  for (const d of scanner.detectors as readonly Detector[]) {
    const t = d.trigger;
    if (t.kind === 'digits') minDigits = Math.min(minDigits, t.minDigits);
    else if (t.kind === 'literal') for (const l of variants(t.literals, t.caseInsensitive)) literals.add(l);
    else if (t.kind === 'regex') regexes.push(new RegExp(t.pattern.source, t.pattern.flags.replace('g', '')));
    else always = true;
    if (d.keywordRequired) keywords.push(...d.keywords);
  }
  return { scanner, minDigits, literals: [...literals], regexes, always, contextKeywords: createKeywordMatcher(keywords, 30), contextCache: new Map() };
}

/**
 * The one scanner the guards share (detectors are immutable; the scanner keeps only a bounded
 * cache of context-word answers). The hash key is never used: guards report no hashes.
 */
export function guardScanner(): Scanner {
  guard ??= build();
  return guard.scanner;
}

/** Digits in the longest run where digits are at most 3 other characters apart (the engine's digit runs). */
function longestDigitRun(s: string): number {
  let best = 0;
  let run = 0;
  let gap = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      run = gap <= 3 ? run + 1 : 1;
      gap = 0;
      if (run > best) best = run;
    } else if (run > 0) {
      gap++;
      if (c === 10 || c === 0) run = 0;
    }
  }
  return best;
}

function mayMatch(g: Guard, text: string, context: readonly string[] | undefined): boolean {
  if (g.always) return true;
  if (longestDigitRun(text) >= g.minDigits) return true;
  for (const l of g.literals) if (text.includes(l)) return true;
  for (const r of g.regexes) if (r.test(text)) return true;
  if (context && context.length > 0) {
    const key = context.join('\u0001');
    let hit = g.contextCache.get(key);
    if (hit === undefined) {
      hit = g.contextKeywords.inContext(context);
      if (g.contextCache.size >= 4096) g.contextCache.clear();
      g.contextCache.set(key, hit);
    }
    if (hit) return true;
  }
  return false;
}

/** One span the guards consider sensitive. `text` is the raw value: never log or echo it. */
export interface SensitiveSpan extends SensitiveKind {
  identifier: string;
  start: number;
  end: number;
  text: string;
}

/** Identifiers that are only reported through `near` (their dependencies) are not ours. */
const toSpan = (m: RawMatch): SensitiveSpan | null => {
  const k = GUARD_IDENTIFIERS[m.identifier];
  return k ? { ...k, identifier: m.identifier, start: m.start, end: m.end, text: m.text } : null;
};

/**
 * The sensitive spans in `text`. `context` words act as keywords for the whole text (a field
 * or tag name: a tag "aws_secret_access_key" makes its value's key a detection).
 */
export function findSensitive(text: string, context?: readonly string[]): SensitiveSpan[] {
  if (text.length === 0) return [];
  guard ??= build();
  if (!mayMatch(guard, text, context)) return [];
  const matches = guard.scanner.scanUnit({ text, location: { kind: 'text', startLine: 1, startColumn: 1, startOffset: 0 }, ...(context && context.length > 0 ? { contextKeywords: [...context] } : {}) });
  const out: SensitiveSpan[] = [];
  for (const m of matches) {
    const s = toSpan(m);
    if (s) out.push(s);
  }
  return out;
}

/**
 * Names join words with `-`, `_`, `.` or `/` ("payroll-536-22-1234", "/4111…/"); the detectors
 * refuse a number glued to such a separator (it may be part of a longer number), so a separator
 * between a letter and a digit, and a path `/` before a digit, are read as spaces. Same length,
 * so offsets stay valid. A number glued to letters ("u4111…") is still not read as a number.
 */
const GLUE = /(?:(?<=[A-Za-z])[-_.]|\/)(?=\d)/g;

/**
 * `findSensitive`, then (when nothing was found) the same text with word-number separators read
 * as spaces; a second pass because token prefixes (ghp_, glpat-) need their separator. Spans
 * carry the original text.
 */
export function findSensitiveLoose(text: string, context?: readonly string[]): SensitiveSpan[] {
  const unglued = text.replace(GLUE, ' ');
  if (unglued === text) return findSensitive(text, context);
  if (text.length === 0) return [];
  guard ??= build();
  if (!mayMatch(guard, text, context) && !mayMatch(guard, unglued, context)) return [];
  // Both readings in one engine call (its cost is mostly per call, not per character).
  const unit = (t: string) => ({ text: t, location: { kind: 'text' as const, startLine: 1, startColumn: 1, startOffset: 0 }, ...(context && context.length > 0 ? { contextKeywords: [...context] } : {}) });
  const [asIs, loose] = guard.scanner.scanUnits([unit(text), unit(unglued)]);
  const pick = asIs!.length > 0 ? asIs! : loose!;
  const out: SensitiveSpan[] = [];
  for (const m of pick) {
    const sp = toSpan(m);
    if (sp) out.push({ ...sp, text: text.slice(sp.start, sp.end) });
  }
  return out;
}

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const SECRET_KEY_VALUE = /^[A-Za-z0-9+/]{40}$/;

/**
 * True when a whole value (a tag or metadata value, never a name) has the shape of an AWS secret
 * access key: 40 characters of the base64 alphabet, mixed case and digits, high entropy, not
 * hex. The audit trail hides such strings too; refusing them keeps them out of listings.
 */
export function isSecretKeyShaped(value: string): boolean {
  const v = value.trim();
  if (!SECRET_KEY_VALUE.test(v) || /^[0-9a-f]{40}$/i.test(v) || v.endsWith('EXAMPLEKEY')) return false;
  return /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v) && entropy(v) >= 4.0;
}
