/**
 * Allow lists, with Macie's semantics: a match is dropped when its text is
 *   - exactly one of the listed texts, compared case-insensitively (the whole matched text must
 *     equal the entry; a text that merely contains an entry is still reported), or
 *   - matched completely by the allow list's regex (RE2, linear time; a partial match is not enough).
 * Applies to managed and custom identifiers alike.
 */
import type { AllowList } from '../engine/model.js';
import { allowListDefinitionSchema, parseDefinition, type AllowListDefinition } from './definition.js';
import { compileLinearRegex } from './linear-regex.js';

// Case folding for comparisons: Unicode lower case of the NFC form, so `É` typed precomposed or
// decomposed compares equal.
const fold = (s: string): string => s.normalize('NFC').toLowerCase();

/**
 * Validates an allow list definition (`{ texts?, regex? }`) and returns the `AllowList` the engine
 * consults. Throws `CofferError('discovery.invalid_allow_list')` for an invalid definition and
 * `CofferError('discovery.invalid_regex')` for a pattern RE2 cannot run.
 */
export function compileAllowList(input: unknown): AllowList {
  const def: AllowListDefinition = parseDefinition(allowListDefinitionSchema, input, 'discovery.invalid_allow_list', 'allow list');
  const texts = new Set(def.texts.map(fold));
  const regex = def.regex === undefined ? null : compileLinearRegex(def.regex, 'allow list regex');
  return Object.freeze({
    allows(matchedText: string): boolean {
      if (texts.size > 0 && texts.has(fold(matchedText))) return true;
      return regex !== null && regex.matchesWhole(matchedText);
    },
  });
}

/** Combines several allow lists: a text is allowed when any of them allows it. */
export function combineAllowLists(lists: readonly AllowList[]): AllowList {
  return Object.freeze({
    allows: (text: string, id: string): boolean => lists.some((l) => l.allows(text, id)),
  });
}
