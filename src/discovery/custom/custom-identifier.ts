/**
 * A custom data identifier as an engine `Detector`, with Macie's semantics:
 *
 *   scan(text):  every match of the RE2 pattern (linear time, see linear-regex.ts),
 *                minus matches whose text contains an ignore word (case-sensitive)
 *   keywords:    case-insensitive; when any are given one must precede the match, at most
 *                maximumMatchDistance chars from the keyword's end to the match's END
 *                (the engine's keyword gate, distanceTo = 'end'); a CSV column name or JSON key
 *                path containing a keyword also counts (unit contextKeywords)
 *   severity:    highest level whose occurrencesThreshold <= count; below the lowest level there
 *                is no finding; no levels given -> any occurrence is MEDIUM
 * Difference from Macie: `^` and `$` anchor at the start and end of a text unit (a cell, a JSON
 * value, a chunk of a text file), not of the whole file, since files are scanned as streams.
 */
import type { Candidate, Detector, Severity } from '../engine/model.js';
import { parseDefinition, customIdentifierDefinitionSchema, type CustomIdentifierDefinition } from './definition.js';
import { compileLinearRegex } from './linear-regex.js';

const SEVERITY: Record<'LOW' | 'MEDIUM' | 'HIGH', Severity> = { LOW: 'Low', MEDIUM: 'Medium', HIGH: 'High' };

/**
 * Validates a custom identifier definition (zod, then the regex on RE2) and returns the
 * `Detector` that runs it. Throws `CofferError('discovery.invalid_custom_identifier')` for an
 * invalid definition and `CofferError('discovery.invalid_regex')` for a pattern RE2 cannot run.
 */
export function compileCustomIdentifier(input: unknown): Detector {
  const def: CustomIdentifierDefinition = parseDefinition(
    customIdentifierDefinitionSchema, input, 'discovery.invalid_custom_identifier', 'custom identifier',
  );
  const regex = compileLinearRegex(def.regex, `regex of custom identifier "${def.name}"`);
  const ignoreWords = [...def.ignoreWords];
  const levels = [...def.severityLevels]
    .sort((a, b) => a.occurrencesThreshold - b.occurrencesThreshold)
    .map((l) => ({ threshold: l.occurrencesThreshold, severity: SEVERITY[l.severity] }));
  // The per-detection severity used before counts are known: the lowest configured level.
  const baseSeverity: Severity = levels[0]?.severity ?? 'Medium';

  const severityForCount = (count: number): Severity | null => {
    if (levels.length === 0) return count > 0 ? 'Medium' : null;
    let result: Severity | null = null;
    for (const l of levels) if (count >= l.threshold) result = l.severity;
    return result;
  };

  const scan = (text: string): Candidate[] => {
    const out: Candidate[] = [];
    for (const { start, end } of regex.findAll(text)) {
      if (ignoreWords.length > 0) {
        const matched = text.slice(start, end);
        if (ignoreWords.some((w) => matched.includes(w))) continue;
      }
      // A regex alone is format-only evidence; the engine raises it when a keyword is near.
      out.push({ start, end, confidence: def.keywords.length > 0 ? 'Medium' : 'Low' });
    }
    return out;
  };

  return Object.freeze({
    id: def.name,
    category: 'CustomIdentifier' as const,
    severity: baseSeverity,
    description: def.description ?? `Custom data identifier ${def.name}`,
    // The pattern is arbitrary, so no literal prefilter is sound: RE2 runs over the whole unit.
    trigger: { kind: 'always' as const },
    keywords: [...def.keywords],
    maxDistance: def.maximumMatchDistance,
    distanceTo: 'end' as const,
    keywordRequired: def.keywords.length > 0,
    severityForCount,
    scan,
  });
}
