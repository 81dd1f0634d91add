/**
 * Prints the per-identifier precision/recall table for the generated corpus:
 *   node --import tsx src/discovery/eval/report.ts [--seed N] [--per N] [--examples N]
 */
import { managedDetectors } from '../detectors/index.js';
import { createScanner } from '../engine/scanner.js';
import { generateCorpus } from './corpus.js';
import { evaluate, toMarkdown } from './evaluate.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const seed = arg('seed', 7);
const per = arg('per', 40);
const docs = generateCorpus({ seed, perIdentifier: per });
const scanner = createScanner({ detectors: managedDetectors(), hashKey: Buffer.alloc(32, 7) });
const { scores, examples } = evaluate(scanner, docs, { examples: arg('examples', 0) });
const units = docs.reduce((n, d) => n + d.units.length, 0);
const labels = docs.reduce((n, d) => n + d.labels.length, 0);
console.log(`Corpus: seed ${seed}, ${docs.length} documents (text, csv, json), ${units} units, ${labels} labeled values.\n`);
console.log(toMarkdown(scores));
const failing = scores.filter((s) => s.precision < s.bar || s.recall < s.bar);
console.log(`\n${failing.length === 0 ? 'All identifiers meet their bar.' : `${failing.length} identifier(s) below their bar: ${failing.map((s) => s.identifier).join(', ')}`}`);
for (const e of examples) console.log(`${e.type.toUpperCase()} ${e.identifier} (${e.doc}): ${e.context}`);
