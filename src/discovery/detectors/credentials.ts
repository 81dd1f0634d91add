/**
 * Credentials: cloud and SaaS keys with fixed prefixes (literal-triggered, so text without the
 * prefix costs one indexOf per literal), private key armour, JWTs, passwords and connection
 * strings in configuration, and credentials in URLs / Basic auth headers.
 * Rules: gitleaks, TruffleHog, detect-secrets (reference section 4) and Macie's credential ids.
 */
import type { Detector } from '../engine/model.js';
import { shannonEntropy } from './checksums.js';
import { maskToken, regexDetector, type Verdict } from './define.js';

const hasClasses = (v: string): boolean => /[a-z]/.test(v) && /[A-Z]/.test(v) && /[0-9]/.test(v);
const high: Verdict = { confidence: 'High' };

/** Placeholder values that are documentation, templates or references, not secrets. */
const PLACEHOLDER = /^(?:\$\{?|%|\{\{|<|\[|\*{3,}|x{4,}|\.{3}|changeit$|changeme$|secret$|password$|passwd$|null$|none$|nil$|true$|false$|undefined$|example|your[_-]?|my[_-]?password|redacted|hidden|dummy|test$|todo$|tbd$|fixme$|env\(|process\.env|os\.environ|getenv)/i;

function passwordValue(v: string): Verdict | null {
  const value = v.replace(/["'`]+$/, '');
  if (value.length < 6 || value.length > 128) return null;
  if (PLACEHOLDER.test(value)) return null;
  if (/^(.)\1+$/.test(value)) return null;
  // Identifiers and references (`get_password`, `config.db.password`) are code, not values.
  if (/^[A-Za-z_][A-Za-z_.]*$/.test(value) && !/[A-Z].*[a-z].*[A-Z]/.test(value)) return null;
  if (!/[0-9]/.test(value) && !/[^A-Za-z0-9]/.test(value) && !(value.length >= 12 && /[a-z]/.test(value) && /[A-Z]/.test(value))) return null;
  return { confidence: 'Medium', trimTo: value.length };
}

/** Names a password-like setting (the pattern's look-behind). */
const PASSWORD_KEYS = 'pass(?:word|wd|phrase)?|pwd|secret(?:[_-]?key)?|client[_-]?secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|private[_-]?key|contraseña|contrasena|passwort|mot de passe';
const PASSWORD_PATTERN = new RegExp(`(?<=(?:${PASSWORD_KEYS})["']?\\s*(?::=|=>|=|:)\\s*["'\`]?)(?![\\s"'\`])[^\\s"'\`,;<>{}()[\\]]{6,128}|^[^\\s"'\`,;<>{}()[\\]]{6,128}$`, 'gi');
const PASSWORD_KEY_END = new RegExp(`(?:${PASSWORD_KEYS})$`, 'i');
/** Chars of the regex class \s. */
const isSpace = (c: number): boolean => (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

/**
 * Trigger filter: the "=" or ":" at `i` is a password assignment operator, i.e. a password-like
 * name (then an optional quote and spaces) comes right before it, as the pattern's look-behind
 * requires. Other "=" / ":" (JSON keys, times, URLs) open no window.
 */
function passwordAssignment(text: string, i: number): boolean {
  let k = i;
  while (k > 0 && isSpace(text.charCodeAt(k - 1))) k--;
  const q = text.charCodeAt(k - 1);
  if (q === 34 || q === 39) k--;
  return k > 0 && PASSWORD_KEY_END.test(text.slice(Math.max(0, k - 16), k));
}

const URL_PLACEHOLDER = /^(?:password|passwd|pass|pwd|secret|\*+|x+|<.*>|\$\{.*\}|\{\{.*\}\}|:?[A-Z_]+|changeme|example)$/i;

function urlCredentials(v: string): Verdict | null {
  const m = /^[^:]+:\/\/([^:@/]*):([^@/]*)@/.exec(v);
  if (m === null) return null;
  const user = m[1]!;
  const pass = m[2]!;
  if (pass.length < 3 || URL_PLACEHOLDER.test(pass) || URL_PLACEHOLDER.test(user) && pass.length < 6) return null;
  if (/^\$|^%|^\{\{|^<|\$\{/.test(pass)) return null;
  return { confidence: 'High', normalized: v };
}

const DB_SCHEMES = ['postgres', 'postgresql', 'mysql', 'mariadb', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'amqp', 'amqps', 'mssql', 'sqlserver', 'oracle', 'jdbc:postgresql', 'jdbc:mysql', 'jdbc:sqlserver', 'jdbc:oracle', 'cockroachdb', 'clickhouse', 'couchbase', 'neo4j', 'cassandra', 'elasticsearch', 'ldap', 'ldaps', 'smtp', 'smtps'];

function jwt(v: string): Verdict | null {
  const [h, p] = v.split('.');
  try {
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || !('alg' in header || 'typ' in header)) return null;
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString('utf8')) as unknown;
    if (typeof payload !== 'object' || payload === null) return null;
  } catch {
    return null;
  }
  return high;
}

function pem(v: string): Verdict | null {
  const body = v.replace(/-----(?:BEGIN|END)[^-]*-----/g, '').replace(/^[A-Za-z-]+:.*$/gm, '');
  const b64 = body.replace(/\\n|\\r|[^A-Za-z0-9+/=]/g, '');
  if (b64.length < 64) return null;
  if (/^(.)\1+$/.test(b64.replace(/=+$/, '')) || /(?:\.\.\.|x{8,}|X{8,})/.test(body)) return null;
  return { confidence: 'High', normalized: b64 };
}

/** A 40-char base64 token on its own (an AWS secret access key's shape). */
export const AWS_SECRET = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{40}(?![A-Za-z0-9+/=])/g;
const B64 = new Uint8Array(128);
for (let c = 0; c < 128; c++) B64[c] = /[A-Za-z0-9+/]/.test(String.fromCharCode(c)) ? 1 : 0;
const isB64 = (c: number): boolean => c < 128 && B64[c] === 1;

/**
 * The matches of AWS_SECRET without the regex (which tries 40 chars at every word start: slow on
 * windows that cover whole JSON/CSV batches): a match is a maximal run of exactly 40 token chars
 * not followed by "=". Every run of 40+ chars covers one position in each 40, so only every 40th
 * char is looked at until a token char is found, then the run around it is measured.
 */
export function locateAwsSecrets(text: string, emit: (start: number, end: number) => void): void {
  const n = text.length;
  for (let p = 39; p < n; p += 40) {
    if (!isB64(text.charCodeAt(p))) continue;
    let a = p;
    while (a > 0 && isB64(text.charCodeAt(a - 1))) a--;
    let b = p + 1;
    while (b < n && isB64(text.charCodeAt(b))) b++;
    if (b - a === 40 && text.charCodeAt(b) !== 61) emit(a, b);
    while (p + 40 < b) p += 40;
  }
}

const PEM_TRIGGER = { kind: 'literal', literals: ['-----BEGIN'], before: 0, after: 16_384 } as const;

export function credentialDetectors(): Detector[] {
  return [
    regexDetector({
      id: 'AWS_ACCESS_KEY_ID',
      category: 'Credentials',
      severity: 'Medium',
      description: 'AWS access key ID (AKIA/ASIA/ABIA/ACCA + 16 base32 characters)',
      trigger: { kind: 'literal', literals: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], before: 0, after: 16 },
      pattern: /(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/g,
      keywords: ['aws_access_key_id', 'access key', 'aws', 'access_key'],
      keywordRequired: false,
      validate: (v) => (v.endsWith('EXAMPLE') || shannonEntropy(v) < 3 ? null : { confidence: 'High' }),
      mask: maskToken,
    }),
    regexDetector({
      id: 'AWS_CREDENTIALS',
      category: 'Credentials',
      severity: 'High',
      description: 'AWS secret access key, near a keyword or paired with an access key ID',
      trigger: { kind: 'literal', literals: ['=', ':', 'AKIA', 'ASIA'], before: 100, after: 100 },
      pattern: AWS_SECRET,
      locate: locateAwsSecrets,
      keywords: ['aws_secret_access_key', 'secret access key', 'secret key', 'credentials', 'set-awscredential', 'aws secret', 'secretaccesskey'],
      keywordRequired: true,
      near: { identifiers: ['AWS_ACCESS_KEY_ID'], distance: 160, mode: 'orKeyword' },
      validate: (v) => {
        if (v.endsWith('EXAMPLEKEY') || /^[0-9a-f]{40}$/i.test(v) || !hasClasses(v) || shannonEntropy(v) < 4.0) return null;
        return { confidence: 'Medium' };
      },
      mask: (v) => `${'*'.repeat(36)}${v.slice(-4)}`,
    }),
    regexDetector({
      id: 'PKCS',
      category: 'Credentials',
      severity: 'High',
      description: 'PEM private key (PKCS#1, PKCS#8, SEC1, DSA, encrypted)',
      trigger: PEM_TRIGGER,
      pattern: /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]{0,16000}?-----END \1-----/g,
      keywordRequired: false,
      validate: pem,
      mask: () => '-----BEGIN PRIVATE KEY----- …',
    }),
    regexDetector({
      id: 'OPENSSH_PRIVATE_KEY',
      category: 'Credentials',
      severity: 'High',
      description: 'OpenSSH private key',
      trigger: PEM_TRIGGER,
      pattern: /-----BEGIN (OPENSSH|SSH2 ENCRYPTED) PRIVATE KEY-----[\s\S]{0,16000}?-----END \1 PRIVATE KEY-----/g,
      keywordRequired: false,
      validate: pem,
      mask: () => '-----BEGIN OPENSSH PRIVATE KEY----- …',
    }),
    regexDetector({
      id: 'PGP_PRIVATE_KEY',
      category: 'Credentials',
      severity: 'High',
      description: 'OpenPGP private key block',
      trigger: PEM_TRIGGER,
      pattern: /-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]{0,16000}?-----END PGP PRIVATE KEY BLOCK-----/g,
      keywordRequired: false,
      validate: pem,
      mask: () => '-----BEGIN PGP PRIVATE KEY BLOCK----- …',
    }),
    regexDetector({
      id: 'PUTTY_PRIVATE_KEY',
      category: 'Credentials',
      severity: 'High',
      description: 'PuTTY private key file',
      trigger: { kind: 'literal', literals: ['PuTTY-User-Key-File-'], before: 0, after: 8000 },
      pattern: /PuTTY-User-Key-File-[23]: [^\r\n]+[\s\S]{0,6000}?Private-Lines: \d+(?:\r?\n[A-Za-z0-9+/=]{1,80}){1,60}/g,
      keywordRequired: false,
      confidence: 'High',
      mask: () => 'PuTTY-User-Key-File …',
    }),
    regexDetector({
      id: 'GITHUB_ACCESS_TOKEN',
      category: 'Credentials',
      severity: 'High',
      description: 'GitHub personal access, OAuth, app or refresh token',
      trigger: { kind: 'literal', literals: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_', 'github_pat_'], before: 1, after: 100 },
      pattern: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])/g,
      keywordRequired: false,
      validate: (v) => (shannonEntropy(v) < 3.5 ? null : high),
      mask: maskToken,
    }),
    regexDetector({
      id: 'GITLAB_ACCESS_TOKEN',
      category: 'Credentials',
      severity: 'High',
      description: 'GitLab personal, deploy, runner, pipeline or feed token',
      trigger: { kind: 'literal', literals: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glft-', 'glimt-', 'glsoat-', 'GR1348941'], before: 1, after: 100 },
      pattern: /(?<![A-Za-z0-9_-])(?:(?:glpat|gldt|glrt|glptt|glcbt|glft|glimt|glsoat)-|GR1348941)[A-Za-z0-9_-]{20}(?:[A-Za-z0-9_.-]{0,60}[A-Za-z0-9_-])?(?![A-Za-z0-9_-])/g,
      keywordRequired: false,
      validate: (v) => (shannonEntropy(v) < 3.3 ? null : high),
      mask: maskToken,
    }),
    regexDetector({
      id: 'SLACK_TOKEN',
      category: 'Credentials',
      severity: 'High',
      description: 'Slack bot, user, app or configuration token',
      trigger: { kind: 'literal', literals: ['xox', 'xapp-'], before: 1, after: 260 },
      pattern: /(?<![A-Za-z0-9_-])(?:xox[abposre]-(?:\d+-)+[A-Za-z0-9-]{6,}|xoxe\.xox[bp]-\d-[A-Za-z0-9]{20,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{20,})(?![A-Za-z0-9_-])/g,
      keywordRequired: false,
      validate: (v) => (shannonEntropy(v) < 3 || /x{6,}|X{6,}/.test(v) ? null : high),
      mask: maskToken,
    }),
    regexDetector({
      id: 'SLACK_WEBHOOK_URL',
      category: 'Credentials',
      severity: 'High',
      description: 'Slack incoming webhook URL',
      trigger: { kind: 'literal', literals: ['hooks.slack.com/'], before: 8, after: 120 },
      pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{30,100}/g,
      keywordRequired: false,
      validate: (v) => (/x{6,}|X{6,}/.test(v) ? null : high),
      mask: (v) => `https://hooks.slack.com/…${v.slice(-4)}`,
    }),
    regexDetector({
      id: 'STRIPE_CREDENTIALS',
      category: 'Credentials',
      severity: 'High',
      description: 'Stripe secret or restricted API key',
      trigger: { kind: 'literal', literals: ['sk_live_', 'rk_live_', 'sk_test_', 'rk_test_', 'sk_prod_', 'rk_prod_'], before: 1, after: 110 },
      pattern: /(?<![A-Za-z0-9_])[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,99}(?![A-Za-z0-9_])/g,
      keywordRequired: false,
      validate: (v) => (shannonEntropy(v) < 3 ? null : { confidence: v.includes('_test_') ? 'Medium' : 'High' }),
      mask: maskToken,
    }),
    regexDetector({
      id: 'GCP_API_KEY',
      category: 'Credentials',
      severity: 'High',
      description: 'Google API key (keyString)',
      trigger: { kind: 'literal', literals: ['AIza'], before: 1, after: 40 },
      pattern: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
      keywords: ['G_PLACES_KEY', 'GCP api key', 'GCP key', 'google cloud key', 'google-api-key', 'google-cloud-apikeys', 'GOOGLEKEY', 'X-goog-api-key', 'api key', 'apikey'],
      keywordRequired: false,
      validate: (v) => (shannonEntropy(v) < 3.5 ? null : { confidence: 'Medium' }),
      mask: maskToken,
    }),
    regexDetector({
      id: 'JSON_WEB_TOKEN',
      category: 'Credentials',
      severity: 'Medium',
      description: 'JSON Web Token (header and payload decode to JSON)',
      trigger: { kind: 'literal', literals: ['eyJ'], before: 1, after: 8192 },
      pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{0,1024}(?![A-Za-z0-9_-])/g,
      keywordRequired: false,
      validate: jwt,
      mask: (v) => `eyJ…${v.slice(-4)}`,
    }),
    regexDetector({
      id: 'HTTP_BASIC_AUTH_HEADER',
      category: 'Credentials',
      severity: 'High',
      description: 'HTTP Authorization: Basic header with decodable user:password',
      trigger: { kind: 'literal', literals: ['Basic ', 'BASIC '], before: 40, after: 400 },
      pattern: /(?<=authorization["']?\s*[:=]\s*["']?)Basic\s+[A-Za-z0-9+/]{6,}={0,2}|^Basic\s+[A-Za-z0-9+/]{6,}={0,2}$/gi,
      fullMatchNeedsWholeUnit: true,
      keywords: ['authorization'],
      keywordRequired: true,
      validate: (v) => {
        const decoded = Buffer.from(v.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
        if (!/^[\x20-\x7e]+:[\x20-\x7e]+$/.test(decoded)) return null;
        // The "Authorization" keyword is part of the header form; a bare "Basic …" value (the
        // ^…$ alternative) counts only in a field named like the header.
        return high;
      },
      mask: () => 'Basic ****',
    }),
    regexDetector({
      id: 'HTTP_BASIC_AUTH_URL',
      category: 'Credentials',
      severity: 'High',
      description: 'User name and password embedded in an http(s)/ftp URL',
      trigger: { kind: 'literal', literals: ['://'], before: 12, after: 300 },
      pattern: /(?<![A-Za-z0-9+.-])(?:https?|ftps?|sftp|wss?|git\+https?|svn\+ssh|ssh):\/\/[^\s:@/'"<>`]{1,100}:[^\s@/'"<>`]{1,128}@[A-Za-z0-9.-]+/gi,
      keywordRequired: false,
      validate: urlCredentials,
      mask: (v) => v.replace(/:\/\/([^:@/]*):[^@]*@/, '://$1:****@'),
    }),
    regexDetector({
      id: 'DATABASE_CONNECTION_STRING',
      category: 'Credentials',
      severity: 'High',
      description: 'Database / broker connection URI with an embedded password',
      trigger: { kind: 'literal', literals: ['://'], before: 20, after: 300 },
      pattern: new RegExp(`(?<![A-Za-z0-9+.-])(?:${DB_SCHEMES.map((s) => s.replace(/[+.]/g, '\\$&')).join('|')}):\\/\\/[^\\s:@/'"<>\`]{0,100}:[^\\s@/'"<>\`]{1,128}@[A-Za-z0-9.,:_-]+(?:\\/[^\\s'"<>\`]*)?`, 'gi'),
      keywordRequired: false,
      validate: urlCredentials,
      mask: (v) => v.replace(/:\/\/([^:@/]*):[^@]*@([^/?]*).*$/, '://$1:****@$2'),
    }),
    regexDetector({
      id: 'PASSWORD',
      category: 'Credentials',
      severity: 'High',
      description: 'Password or secret assigned in configuration (key = value, key: value, "key": "value", Password=…;)',
      trigger: { kind: 'literal', literals: ['=', ':'], before: 40, after: 140, accept: passwordAssignment },
      // Either `key = value` in the text, or (for a CSV cell / JSON value whose column or key names
      // the password) a unit that is one token; the engine scans such units on their own.
      pattern: PASSWORD_PATTERN,
      fullMatchNeedsWholeUnit: true,
      keywords: ['password', 'passwd', 'pwd', 'secret', 'token', 'api key', 'pass', 'passphrase', 'private key', 'access token', 'auth token', 'contraseña', 'passwort', 'mot de passe'],
      keywordRequired: true,
      validate: passwordValue,
      mask: (v) => '*'.repeat(Math.min(v.length, 12)),
    }),
  ];
}
