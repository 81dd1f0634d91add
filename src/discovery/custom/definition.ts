/**
 * Definitions of custom data identifiers and allow lists, validated with zod. The limits are
 * Amazon Macie's (CreateCustomDataIdentifier, CreateAllowList), so a definition written for Macie
 * is accepted here and vice versa.
 */
import { z } from 'zod';
import { CofferError } from '../../shared/errors.js';
import { MAX_REGEX_LENGTH } from './linear-regex.js';

/** Macie severity names as they appear in definitions. */
export const macieSeveritySchema = z.enum(['LOW', 'MEDIUM', 'HIGH']);

const severityLevelSchema = z.object({
  occurrencesThreshold: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  severity: macieSeveritySchema,
}).strict();

// Names become identifier ids: selectable with `--identifiers A,B` and printed in reports, so no
// commas, no control characters, no leading/trailing space.
const nameSchema = z.string().min(1).max(128)
  .regex(/^[^\s,\p{Cc}](?:[^,\p{Cc}]*[^\s,\p{Cc}])?$/u, 'must not contain commas or control characters, nor start or end with a space');

export const customIdentifierDefinitionSchema = z.object({
  name: nameSchema,
  description: z.string().max(512).optional(),
  regex: z.string().min(1).max(MAX_REGEX_LENGTH),
  keywords: z.array(z.string().min(3).max(90)).max(50).default([]),
  ignoreWords: z.array(z.string().min(4).max(90)).max(10).default([]),
  maximumMatchDistance: z.number().int().min(1).max(300).default(50),
  severityLevels: z.array(severityLevelSchema).max(3).default([])
    .superRefine((levels, ctx) => {
      for (let i = 1; i < levels.length; i++) {
        if (levels[i]!.occurrencesThreshold <= levels[i - 1]!.occurrencesThreshold) {
          ctx.addIssue({ code: 'custom', path: [i, 'occurrencesThreshold'], message: 'thresholds must be in strictly ascending order' });
        }
      }
      const seen = new Set<string>();
      levels.forEach((l, i) => {
        if (seen.has(l.severity)) ctx.addIssue({ code: 'custom', path: [i, 'severity'], message: 'each severity may be used once' });
        seen.add(l.severity);
      });
    }),
}).strict();

/** A validated custom identifier definition, defaults applied. */
export type CustomIdentifierDefinition = z.output<typeof customIdentifierDefinitionSchema>;
/** A custom identifier definition as written (optional fields may be missing). */
export type CustomIdentifierInput = z.input<typeof customIdentifierDefinitionSchema>;

const uniqueNames = (defs: CustomIdentifierDefinition[], ctx: z.RefinementCtx): void => {
  const seen = new Set<string>();
  defs.forEach((d, i) => {
    if (seen.has(d.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'duplicate custom identifier name' });
    seen.add(d.name);
  });
};

/** A custom identifiers file written as a bare JSON array of definitions. */
export const customIdentifierListSchema = z.array(customIdentifierDefinitionSchema).max(10_000).superRefine(uniqueNames);

/** A custom identifiers file written as `{ "customDataIdentifiers": [...] }`. */
export const customIdentifiersFileSchema = z.object({ customDataIdentifiers: customIdentifierListSchema }).strict();

/** Maximum number of exact entries in one allow list (Macie: 100,000). */
export const MAX_ALLOW_LIST_ENTRIES = 100_000;

export const allowListDefinitionSchema = z.object({
  name: z.string().min(1).max(128).optional(),
  description: z.string().max(512).optional(),
  /** Exact, complete, case-insensitive texts. */
  texts: z.array(z.string().min(1).max(90)).max(MAX_ALLOW_LIST_ENTRIES).default([]),
  /** A pattern that must match the whole matched text. */
  regex: z.string().min(1).max(MAX_REGEX_LENGTH).optional(),
}).strict().refine((d) => d.texts.length > 0 || d.regex !== undefined, {
  message: 'an allow list needs texts, a regex, or both',
});

export type AllowListDefinition = z.output<typeof allowListDefinitionSchema>;
export type AllowListInput = z.input<typeof allowListDefinitionSchema>;

/**
 * Parses `value` with `schema`, turning zod's issues into one `CofferError(code)` whose message
 * lists each problem as `path: message` (zod messages describe constraints, never values).
 */
export function parseDefinition<S extends z.ZodType>(schema: S, value: unknown, code: string, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
  throw new CofferError(code, {
    message: `invalid ${what}: ${problems.join('; ')}`,
    details: { issues: r.error.issues.map((i) => ({ path: i.path.map(String), message: i.message, code: i.code })) },
  });
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(root)';
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? String(p) : `.${String(p)}`;
  return s;
}
