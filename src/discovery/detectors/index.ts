/**
 * The managed data identifiers, in priority order (for identical spans the earlier one wins).
 */
import type { Detector } from '../engine/model.js';
import { contactDetectors } from './contact.js';
import { credentialDetectors } from './credentials.js';
import { documentDetectors } from './documents.js';
import { financialDetectors } from './financial.js';
import { healthDetectors } from './health.js';
import { nationalIdDetectors } from './national-ids.js';

let cached: readonly Detector[] | null = null;

/** Every managed detector, built once (detectors are immutable and safe to share). */
export function managedDetectors(): readonly Detector[] {
  cached ??= Object.freeze([
    ...credentialDetectors(),
    ...financialDetectors(),
    ...nationalIdDetectors(),
    ...healthDetectors(),
    ...documentDetectors(),
    ...contactDetectors(),
  ]);
  return cached;
}

/** Public description of a managed identifier (what ListManagedDataIdentifiers would serve). */
export interface ManagedIdentifierInfo {
  id: string;
  category: Detector['category'];
  severity: Detector['severity'];
  description: string;
  keywordRequired: boolean;
  keywords: readonly string[];
  maxDistance: number;
}

/** All managed identifier ids with their metadata, including keyword/no-keyword variants. */
export function listManagedIdentifiers(): ManagedIdentifierInfo[] {
  const out: ManagedIdentifierInfo[] = [];
  for (const d of managedDetectors()) {
    const base = { category: d.category, severity: d.severity, description: d.description, keywords: d.keywords, maxDistance: d.maxDistance };
    out.push({ id: d.id, ...base, keywordRequired: d.keywordRequired });
    if (d.noKeywordId !== undefined) out.push({ id: d.noKeywordId, ...base, description: `${d.description} (no keyword nearby)`, keywordRequired: false });
  }
  return out;
}
