/**
 * Reading custom identifier and allow list definitions from files (the `coffer scan` options
 * `--custom-identifiers FILE` and `--allow-list FILE`).
 *
 * Custom identifiers file (JSON): `[{ name, regex, keywords?, ... }, ...]` or
 * `{ "customDataIdentifiers": [...] }`.
 * Allow list file: `*.json` holds `{ "texts"?: [...], "regex"?: "..." }`; any other file is
 * Macie's predefined-text format: one entry per line (UTF-8; blank lines ignored; CR stripped).
 */
import { readFile, stat } from 'node:fs/promises';
import { CofferError } from '../../shared/errors.js';
import type { AllowList, Detector } from '../engine/model.js';
import { compileAllowList } from './allow-list.js';
import { compileCustomIdentifier } from './custom-identifier.js';
import { customIdentifierListSchema, customIdentifiersFileSchema, parseDefinition } from './definition.js';

/** Definition files are control data, not objects: refuse anything larger (Macie: 35 MiB). */
export const MAX_DEFINITION_FILE_BYTES = 35 * 1024 * 1024;

async function readBounded(path: string, code: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    throw new CofferError(code, { message: `cannot read ${path}`, cause });
  }
  if (size > MAX_DEFINITION_FILE_BYTES) {
    throw new CofferError(code, { message: `${path} is larger than ${MAX_DEFINITION_FILE_BYTES} bytes` });
  }
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new CofferError(code, { message: `cannot read ${path}`, cause });
  }
}

function parseJson(text: string, path: string, code: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (cause) {
    // JSON.parse messages can quote file content; keep only that it is not JSON.
    throw new CofferError(code, { message: `${path} is not valid JSON`, cause });
  }
}

/** Parses the content of a custom identifiers file and compiles each definition. */
export function parseCustomIdentifiers(json: unknown): Detector[] {
  const code = 'discovery.invalid_custom_identifier';
  const defs = Array.isArray(json)
    ? parseDefinition(customIdentifierListSchema, json, code, 'custom identifiers')
    : parseDefinition(customIdentifiersFileSchema, json, code, 'custom identifiers').customDataIdentifiers;
  return defs.map((d) => compileCustomIdentifier(d));
}

/** Reads and compiles a custom identifiers file. Errors carry the file path, never its values. */
export async function loadCustomIdentifiersFile(path: string): Promise<Detector[]> {
  const code = 'discovery.invalid_custom_identifier';
  const json = parseJson(await readBounded(path, code), path, code);
  try {
    return parseCustomIdentifiers(json);
  } catch (e) {
    if (e instanceof CofferError) throw new CofferError(e.code, { message: `${path}: ${e.message}`, cause: e, details: e.details });
    throw e;
  }
}

/** Parses the lines of a predefined-text allow list (one exact entry per line). */
export function parseAllowListText(text: string): AllowList {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const texts = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.trim() !== '');
  return compileAllowList({ texts });
}

/** Reads an allow list file: JSON for `*.json`, otherwise one exact entry per line. */
export async function loadAllowListFile(path: string): Promise<AllowList> {
  const code = 'discovery.invalid_allow_list';
  const text = await readBounded(path, code);
  try {
    return path.toLowerCase().endsWith('.json') ? compileAllowList(parseJson(text, path, code)) : parseAllowListText(text);
  } catch (e) {
    if (e instanceof CofferError) throw new CofferError(e.code, { message: `${path}: ${e.message}`, cause: e, details: e.details });
    throw e;
  }
}
