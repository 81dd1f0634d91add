/**
 * Custom data identifiers and allow lists (Macie semantics), on a linear-time regex engine (RE2)
 * so that no user-supplied pattern can stall the scanner.
 */

/** Compile one custom identifier definition (validated with zod) into an engine `Detector`. */
export { compileCustomIdentifier } from './custom-identifier.js';
/** Compile an allow list `{ texts?, regex? }`; `combineAllowLists` ORs several. */
export { compileAllowList, combineAllowLists } from './allow-list.js';
/** Read definitions from files (`coffer scan --custom-identifiers / --allow-list`). */
export {
  loadCustomIdentifiersFile, loadAllowListFile, parseCustomIdentifiers, parseAllowListText, MAX_DEFINITION_FILE_BYTES,
} from './load.js';
/** The zod schemas and types of the definitions (Macie's limits). */
export {
  customIdentifierDefinitionSchema, customIdentifierListSchema, customIdentifiersFileSchema, allowListDefinitionSchema,
  MAX_ALLOW_LIST_ENTRIES,
  type CustomIdentifierDefinition, type CustomIdentifierInput, type AllowListDefinition, type AllowListInput,
} from './definition.js';
/** Linear-time regex compilation and the check that rejects back-references and look-around. */
export { compileLinearRegex, unsupportedRegexFeature, MAX_REGEX_LENGTH, type LinearRegex } from './linear-regex.js';
