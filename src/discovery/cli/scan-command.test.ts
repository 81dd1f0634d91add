import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const standalone = fileURLToPath(new URL('./standalone.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `coffer scan ARGS` as a child process in `cwd` (bounded: 120 s). */
function scan(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, standalone, 'scan', ...args], { cwd, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, stdout, stderr });
      });
  });
}

// Values the managed identifiers detect; none of them may ever appear in any output.
const CARD = '4111 1111 1111 1111';
const CARD_DIGITS = '4111111111111111';
const EMAIL_TXT = 'john.doe@example.com';
const EMAIL_CSV = 'alice@example.org';
const EMAIL_JSON = 'carol@example.net';
const EMAIL_GZ = 'dave@example.com';
const RAW = [CARD, CARD_DIGITS, EMAIL_TXT, EMAIL_CSV, EMAIL_JSON, EMAIL_GZ, 'EMP-482913'];

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn: number } };
    logicalLocations?: Array<{ fullyQualifiedName: string; name?: string; kind: string }>;
  }>;
  partialFingerprints: Record<string, string>;
}

describe('coffer scan (child process)', () => {
  let dir = '';
  let data = '';
  let clean = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-scan-'));
    data = join(dir, 'data');
    clean = join(dir, 'clean');
    await mkdir(join(data, 'nested'), { recursive: true });
    await mkdir(clean);
    await writeFile(join(data, 'notes.txt'), `Hello,\nmy card number is ${CARD} and mail ${EMAIL_TXT}\nemployee EMP-482913 joined\n`);
    await writeFile(join(data, 'people.csv'), `name,email,city\nAlice,${EMAIL_CSV},Paris\nBob,none,Rome\n`);
    await writeFile(join(data, 'nested', 'user.json'), JSON.stringify({ user: { name: 'Carol', email: EMAIL_JSON } }));
    await writeFile(join(data, 'nested', 'log.txt.gz'), gzipSync(Buffer.from(`first line\nsecond line with ${EMAIL_GZ}\n`)));
    await writeFile(join(clean, 'readme.txt'), 'Nothing to see here.\nOrder 12345 shipped on 2024-05-01.\n');
    await writeFile(join(clean, 'staff.txt'), 'Staff list: employee EMP-482913, employee EMP-100200.\n');
    await writeFile(join(dir, 'ids.json'), JSON.stringify([
      { name: 'EMPLOYEE_ID', regex: 'EMP-\\d{6}', keywords: ['employee'], maximumMatchDistance: 20, ignoreWords: ['EMP-100200'] },
    ]));
    await writeFile(join(dir, 'allow.txt'), `${EMAIL_CSV}\n${EMAIL_JSON.toUpperCase()}\n`);
    await writeFile(join(dir, 'allow.json'), JSON.stringify({ regex: '[a-z.]+@example\\.(com|org|net)' }));
    await writeFile(join(dir, 'bad-ids.json'), JSON.stringify([{ name: 'BAD', regex: '(\\d)\\1', keywords: ['ab'], maximumMatchDistance: 999 }]));
    await writeFile(join(dir, 'bad-regex.json'), JSON.stringify([{ name: 'LOOK', regex: 'EMP-(?=\\d)' }]));
  });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('exits with 0 and says so when nothing is found', async () => {
    const r = await scan(['clean/readme.txt'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No sensitive data found\./);
    assert.match(r.stdout, /Scanned 1 object/);
  });

  it('exits with 1 and prints a table row per object and identifier when data is found', async () => {
    const r = await scan(['data'], dir);
    assert.equal(r.code, 1, r.stderr);
    const rows = r.stdout.split('\n');
    const row = (obj: string, id: string) => rows.find((l) => l.startsWith(obj) && l.includes(` ${id} `));
    assert.ok(row('data/notes.txt', 'CREDIT_CARD_NUMBER')?.includes('L2:19'), r.stdout);
    assert.ok(row('data/notes.txt', 'EMAIL_ADDRESS'), r.stdout);
    assert.ok(row('data/people.csv', 'EMAIL_ADDRESS')?.includes('R2C2 (email)'), r.stdout);
    assert.ok(row('data/nested/user.json', 'EMAIL_ADDRESS')?.includes('#0 $.user.email'), r.stdout);
    assert.ok(row('data/nested/log.txt.gz', 'EMAIL_ADDRESS'), r.stdout);
    assert.match(r.stdout, /Scanned 4 objects .*: 4 with findings/);
    for (const v of RAW) assert.ok(!r.stdout.includes(v), `table output contains a raw value`);
  });

  it('reports Macie-shaped findings with exact locations in JSON', async () => {
    const r = await scan(['data', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as {
      summary: { objectsScanned: number; objectsWithFindings: number };
      objects: Array<{ location: string; status: string; format?: string; finding: { type: string; detections: Array<{ type: string; count: number; occurrences: Record<string, Array<Record<string, unknown>>> }> } }>;
    };
    assert.equal(doc.summary.objectsScanned, 4);
    assert.equal(doc.summary.objectsWithFindings, 4);
    const obj = (name: string) => doc.objects.find((o) => o.location === name)!;
    const det = (name: string, type: string) => obj(name).finding.detections.find((d) => d.type === type)!;

    assert.equal(obj('data/notes.txt').finding.type, 'SensitiveData:S3Object/Multiple');
    const card = det('data/notes.txt', 'CREDIT_CARD_NUMBER').occurrences.lineRanges![0]!;
    assert.deepEqual([card.start, card.end, card.startColumn], [2, 2, 19]);
    assert.equal(card.masked, '**** **** **** 1111');
    assert.match(String(card.hash), /^[0-9a-f]{64}$/);

    const cell = det('data/people.csv', 'EMAIL_ADDRESS').occurrences.cells![0]!;
    assert.deepEqual([cell.row, cell.column, cell.columnName, cell.cellReference], [2, 2, 'email', null]);
    const rec = det('data/nested/user.json', 'EMAIL_ADDRESS').occurrences.records![0]!;
    assert.deepEqual([rec.recordIndex, rec.jsonPath], [0, '$.user.email']);
    const gz = det('data/nested/log.txt.gz', 'EMAIL_ADDRESS').occurrences.lineRanges![0]!;
    assert.deepEqual([gz.start, gz.startColumn], [2, 18]);
    assert.equal(obj('data/nested/log.txt.gz').format, 'gzip');
    for (const v of RAW) assert.ok(!r.stdout.includes(v), 'JSON output contains a raw value');
  });

  it('writes SARIF 2.1.0 with one result per occurrence, regions for text and logical locations for cells and records', async () => {
    const r = await scan(['data', '--format', 'sarif'], dir);
    assert.equal(r.code, 1, r.stderr);
    const log = JSON.parse(r.stdout) as {
      version: string; $schema: string;
      runs: Array<{ tool: { driver: { name: string; rules: Array<{ id: string }> } }; results: SarifResult[]; originalUriBaseIds: Record<string, { uri: string }> }>;
    };
    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema, /sarif-2\.1\.0/);
    const run = log.runs[0]!;
    assert.equal(run.tool.driver.name, 'coffer');
    assert.ok(run.originalUriBaseIds.SRCROOT!.uri.startsWith('file://'));
    // notes.txt: card + e-mail; people.csv, user.json, log.txt.gz: one e-mail each
    assert.equal(run.results.length, 5);
    for (const res of run.results) {
      assert.equal(run.tool.driver.rules[res.ruleIndex]!.id, res.ruleId);
      assert.ok(res.locations.length === 1 && res.locations[0]!.physicalLocation.artifactLocation.uri.length > 0);
      assert.equal(res.locations[0]!.physicalLocation.artifactLocation.uriBaseId, 'SRCROOT');
      assert.match(Object.values(res.partialFingerprints)[0]!, /^[0-9a-f]{64}$/);
      assert.ok(['error', 'warning', 'note'].includes(res.level));
    }
    const at = (uri: string, rule: string) => run.results.find((x) => x.ruleId === rule && x.locations[0]!.physicalLocation.artifactLocation.uri === uri)!;
    assert.deepEqual(at('data/notes.txt', 'CREDIT_CARD_NUMBER').locations[0]!.physicalLocation.region, { startLine: 2, endLine: 2, startColumn: 19, charOffset: 25, charLength: 19 });
    const cell = at('data/people.csv', 'EMAIL_ADDRESS').locations[0]!;
    assert.equal(cell.physicalLocation.region, undefined);
    assert.deepEqual(cell.logicalLocations, [{ name: 'email', fullyQualifiedName: 'R2C2', kind: 'element' }]);
    const rec = at('data/nested/user.json', 'EMAIL_ADDRESS').locations[0]!;
    assert.deepEqual(rec.logicalLocations, [{ name: '$.user.email', fullyQualifiedName: 'record 0 $.user.email', kind: 'value' }]);
    for (const v of RAW) assert.ok(!r.stdout.includes(v), 'SARIF output contains a raw value');
  });

  it('writes the report to --output and nothing to standard output', async () => {
    const out = join(dir, 'report.sarif');
    const r = await scan(['data/people.csv', '--format', 'sarif', '--output', out], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    const log = JSON.parse(await readFile(out, 'utf8')) as { runs: Array<{ results: unknown[] }> };
    assert.equal(log.runs[0]!.results.length, 1);
  });

  it('applies custom identifiers from a file, with their keywords and ignore words', async () => {
    const without = await scan(['clean'], dir);
    assert.equal(without.code, 0, without.stderr);
    const r = await scan(['clean', '--custom-identifiers', 'ids.json', '--format', 'json'], dir);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { objects: Array<{ location: string; finding: { type: string; detections: Array<{ type: string; count: number; category: string }> } }> };
    assert.deepEqual(doc.objects.map((o) => o.location), ['clean/staff.txt']);
    const d = doc.objects[0]!.finding.detections;
    // EMP-100200 is an ignore word; EMP-482913 follows the keyword "employee"
    assert.deepEqual(d.map((x) => [x.type, x.category, x.count]), [['EMPLOYEE_ID', 'CustomIdentifier', 1]]);
    assert.equal(doc.objects[0]!.finding.type, 'SensitiveData:S3Object/CustomIdentifier');
  });

  it('drops matches an allow list allows, from a text file or a JSON regex', async () => {
    const listed = await scan(['data/people.csv', 'data/nested/user.json', '--allow-list', 'allow.txt'], dir);
    assert.equal(listed.code, 0, listed.stdout + listed.stderr);
    const pattern = await scan(['data', '--allow-list', 'allow.json', '--format', 'json'], dir);
    assert.equal(pattern.code, 1, pattern.stderr);
    const doc = JSON.parse(pattern.stdout) as { objects: Array<{ location: string; finding: { detections: Array<{ type: string }> } }> };
    assert.deepEqual(doc.objects.map((o) => [o.location, o.finding.detections.map((d) => d.type)]), [['data/notes.txt', ['CREDIT_CARD_NUMBER']]]);
  });

  it('limits the report to --identifiers and leaves out --exclude-identifiers', async () => {
    const only = await scan(['data/notes.txt', '--identifiers', 'CREDIT_CARD_NUMBER', '--format', 'json'], dir);
    const types = (r: Run) => (JSON.parse(r.stdout) as { objects: Array<{ finding: { detections: Array<{ type: string }> } }> })
      .objects.flatMap((o) => o.finding.detections.map((d) => d.type));
    assert.deepEqual(types(only), ['CREDIT_CARD_NUMBER']);
    const excluded = await scan(['data/notes.txt', '--exclude-identifiers', 'CREDIT_CARD_NUMBER,EMAIL_ADDRESS'], dir);
    assert.equal(excluded.code, 0, excluded.stdout);
  });

  it('exits with 2 on an unknown identifier, a missing path or an invalid format', async () => {
    const unknown = await scan(['data', '--identifiers', 'NO_SUCH_THING'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown identifier NO_SUCH_THING/);
    const missing = await scan(['data', 'does-not-exist'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /does-not-exist/);
    assert.equal(missing.stdout, '');
    const format = await scan(['data', '--format', 'xml'], dir);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /xml/);
  });

  it('lists managed and custom identifier ids with --list-identifiers, and needs a target otherwise', async () => {
    const r = await scan(['--list-identifiers', '--custom-identifiers', 'ids.json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const ids = r.stdout.split('\n').slice(1).map((l) => l.split(' ')[0]);
    for (const id of ['CREDIT_CARD_NUMBER', 'EMAIL_ADDRESS', 'EMPLOYEE_ID']) assert.ok(ids.includes(id), id);
    const none = await scan([], dir);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing to scan/);
  });

  it('exits with 2 and names each invalid field of a custom identifiers file', async () => {
    const r = await scan(['data', '--custom-identifiers', 'bad-ids.json'], dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad-ids\.json/);
    assert.match(r.stderr, /keywords\[0\]: .*>=3/);
    assert.match(r.stderr, /maximumMatchDistance: .*<=300/);
    const lookahead = await scan(['data', '--custom-identifiers', 'bad-regex.json'], dir);
    assert.equal(lookahead.code, 2);
    assert.match(lookahead.stderr, /look-ahead/);
  });

  it('stops an object at --object-timeout and reports it as not fully scanned with reason TIMEOUT', async () => {
    const big = join(dir, 'big.txt');
    await writeFile(big, `${'lorem ipsum dolor sit amet 12345 '.repeat(40)}\n`.repeat(2500));
    const r = await scan(['big.txt', '--object-timeout', '0.001', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { objects: Array<{ status: string; size: number; bytesScanned: number; skipped: Array<{ reason: string }> }> };
    const o = doc.objects[0]!;
    // SKIPPED when the time ran out before the first unit, PARTIAL after it
    assert.ok(o.status === 'PARTIAL' || o.status === 'SKIPPED', o.status);
    assert.deepEqual(o.skipped.map((x) => x.reason), ['TIMEOUT']);
    assert.ok(o.bytesScanned < o.size);
    const bad = await scan(['big.txt', '--object-timeout', '-1'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /positive number/);
  });

  it('reports content it cannot scan with a reason instead of skipping it silently', async () => {
    const bin = join(dir, 'blob.bin');
    await writeFile(bin, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const r = await scan(['blob.bin', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { summary: { objectsSkipped: number }; objects: Array<{ status: string; skipped: Array<{ reason: string }> }> };
    assert.equal(doc.summary.objectsSkipped, 1);
    assert.equal(doc.objects[0]!.status, 'SKIPPED');
    assert.equal(doc.objects[0]!.skipped[0]!.reason, 'UNSUPPORTED_FILE_TYPE');
  });
});
