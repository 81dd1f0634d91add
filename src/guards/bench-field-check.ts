/**
 * Cost of checkFreeFormField per call (CPU time, so a busy machine skews it less):
 *   npx tsx src/guards/bench-field-check.ts
 * Not a test: timings are never asserted.
 */
import { checkFreeFormField, type CheckOptions } from './index.js';

const CASES: Array<[field: string, value: string, opts?: CheckOptions]> = [
  ['UserName', 'alice'],
  ['x-amz-meta-name', 'Quarterly report'],
  ['object key name', 'photos/2024/holiday/IMG_0001.jpg'],
  ['tag value', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq4vZ3ktQB', { value: true, context: ['backup'] }],
  ['object key name', 'invoice-20240301-000123.pdf'],
  ['x-amz-meta-name', '4111 1111 1111 1111'],
];

for (const [field, value, opts] of CASES) {
  for (let i = 0; i < 20_000; i++) checkFreeFormField(field, value, opts);
  const n = 200_000;
  const t0 = process.cpuUsage();
  for (let i = 0; i < n; i++) checkFreeFormField(field, value, opts);
  const u = process.cpuUsage(t0);
  console.log(`${JSON.stringify(value).padEnd(44)} ${((u.user + u.system) / n).toFixed(2)} us CPU per call`);
}
