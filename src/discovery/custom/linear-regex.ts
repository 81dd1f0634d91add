/**
 * User-supplied regular expressions on a linear-time engine.
 *
 *   check(source):   length <= 512; walk the pattern once and reject what an automaton cannot run
 *                    (back-references, look-around, atomic groups, possessive quantifiers,
 *                    recursion, conditionals, embedded code) with a message naming the feature
 *   compile(source): RE2(source, 'g')          -- DFA/NFA simulation, O(pattern x text), no backtracking
 *   findAll(text):   buf = UTF-8(text); run RE2 over buf (byte offsets, one conversion per text)
 *                    map byte offsets -> UTF-16 offsets with one forward cursor (O(text))
 *
 * Why RE2 (`re2`, the node-re2 binding) rather than V8's experimental linear engine:
 * - RE2 guarantees linear time for every pattern it accepts; V8's `l` flag is behind an
 *   experimental flag that must be set process-wide before any RegExp is compiled, may change
 *   between Node majors, and rejects the `i`/`u` flags, which user patterns need.
 * - RE2 accepts exactly the PCRE subset Macie documents for custom data identifiers (no
 *   back-references, no look-around), so a definition valid for Macie compiles here unchanged,
 *   including inline flags such as `(?i)`.
 * - It runs on Buffers with byte offsets, so a text is converted to UTF-8 once per scan instead of
 *   once per match.
 * re2@1.24.0 is pinned: it is the newest release without an `engines` restriction excluding
 * Node 20, and it builds from source with node-gyp (RE2 and Abseil are vendored in the tarball).
 */
import RE2 from 're2';
import { CofferError } from '../../shared/errors.js';

/** Macie's limit for custom identifier and allow-list patterns. */
export const MAX_REGEX_LENGTH = 512;

/** A compiled linear-time pattern. */
export interface LinearRegex {
  readonly source: string;
  /** Every non-empty, non-overlapping match as UTF-16 offsets [start, end) into `text`. */
  findAll(text: string): Array<{ start: number; end: number }>;
  /** True when the whole of `text` matches the pattern (not just a part of it). */
  matchesWhole(text: string): boolean;
}

/**
 * Returns a description of the first construct a linear-time engine cannot run, or null.
 * The description names the construct and its position, never echoing the pattern itself.
 */
export function unsupportedRegexFeature(source: string): string | null {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      if (!inClass) {
        if (/[1-9]/.test(n)) return `back-reference (\\${n}) at position ${i + 1}`;
        if (n === 'k' && (source[i + 2] === '<' || source[i + 2] === '{' || source[i + 2] === "'")) {
          return `named back-reference at position ${i + 1}`;
        }
        if (n === 'g' && /[{<'\d-]/.test(source[i + 2] ?? '')) return `back-reference or subroutine call (\\g) at position ${i + 1}`;
        if (n === 'K') return `match reset (\\K) at position ${i + 1}`;
      }
      i++; // the escaped character never opens or closes anything
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (source[i + 1] === '^') i++;
      if (source[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && source[i + 1] === '?') {
      const rest = source.slice(i + 2, i + 5);
      if (rest.startsWith('=') || rest.startsWith('!')) return `look-ahead at position ${i + 1}`;
      if (rest.startsWith('<=') || rest.startsWith('<!')) return `look-behind at position ${i + 1}`;
      if (rest.startsWith('>')) return `atomic group at position ${i + 1}`;
      if (rest.startsWith('(')) return `conditional at position ${i + 1}`;
      if (rest.startsWith('R') || /^[+-]?\d/.test(rest) || rest.startsWith('&') || rest.startsWith('P>')) {
        return `recursion or subroutine call at position ${i + 1}`;
      }
      if (rest.startsWith('{') || rest.startsWith('?{')) return `embedded code at position ${i + 1}`;
      if (rest.startsWith('|')) return `branch reset group at position ${i + 1}`;
      continue;
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && source[i + 1] === '+') {
      return `possessive quantifier at position ${i + 2}`;
    }
  }
  return null;
}

/**
 * Compiles `source` on RE2. `what` names the pattern in error messages (e.g. "custom identifier
 * regex"). Throws `CofferError('discovery.invalid_regex')` for an empty, too long, unsupported or
 * malformed pattern.
 */
export function compileLinearRegex(source: string, what = 'regex'): LinearRegex {
  if (source.length === 0) {
    throw new CofferError('discovery.invalid_regex', { message: `${what} is empty` });
  }
  if (source.length > MAX_REGEX_LENGTH) {
    throw new CofferError('discovery.invalid_regex', {
      message: `${what} is ${source.length} characters long; the limit is ${MAX_REGEX_LENGTH}`,
    });
  }
  const feature = unsupportedRegexFeature(source);
  if (feature !== null) {
    throw new CofferError('discovery.invalid_regex', {
      message: `${what} uses a ${feature}, which the linear-time regex engine (RE2) cannot run`,
    });
  }
  let global: RE2;
  let whole: RE2;
  try {
    global = new RE2(source, 'g');
    // Non-multiline ^ and $ are the start and end of the text: a full match of the subject.
    whole = new RE2(`^(?:${source})$`, '');
  } catch (cause) {
    // RE2's own message describes the syntax problem (e.g. "missing )"); it may quote a fragment
    // of the pattern, which is a definition, not scanned data.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new CofferError('discovery.invalid_regex', { message: `${what} is not a valid RE2 pattern: ${reason}`, cause });
  }
  return {
    source,
    findAll: (text) => findAll(global, text),
    matchesWhole: (text) => whole.test(text),
  };
}

function findAll(re: RE2, text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  if (text.length === 0) return out;
  const buf = Buffer.from(text, 'utf8');
  const ascii = buf.length === text.length;
  // Forward cursor for byte -> UTF-16 offset mapping; matches arrive in increasing order.
  let curByte = 0;
  let curChar = 0;
  const toChar = (byte: number): number => {
    if (ascii) return byte;
    curChar += buf.toString('utf8', curByte, byte).length;
    curByte = byte;
    return curChar;
  };
  re.lastIndex = 0;
  for (;;) {
    const m = re.exec(buf);
    if (m === null) break;
    const startByte = m.index;
    const len = (m[0] as unknown as Buffer).length;
    if (len === 0) {
      // Step over an empty match to the next UTF-8 character boundary.
      let next = startByte + 1;
      while (next < buf.length && ((buf[next] ?? 0) & 0xc0) === 0x80) next++;
      if (next > buf.length) break;
      re.lastIndex = next;
      continue;
    }
    const start = toChar(startByte);
    const end = toChar(startByte + len);
    out.push({ start, end });
  }
  re.lastIndex = 0;
  return out;
}
