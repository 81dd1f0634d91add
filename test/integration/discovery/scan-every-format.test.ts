import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { avroOf, gzipOf, pdfOf, tarOf, zipOf } from '../../../src/discovery/formats/test-fixtures.js';
import { ROOT, cleanEnv, cofferArgs } from '../harness.js';

/** A card number (Luhn-valid, Visa) with its keyword, and an SSN with its keyword. */
const CARD = '4539 1488 0343 6467';
const SSN = '536-22-8106';
const LINE = `Customer card number: ${CARD} and social security number ${SSN}`;

const CT = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';


interface ScanJson {
  objects: Array<{ location: string; status: string; format?: string; finding?: { detections: Array<{ type: string }> } | null; skipped?: unknown } & Record<string, unknown>>;
}

describe('coffer scan on a folder with every supported format', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coffer-formats-'));
    const f = (name: string, data: Buffer | string) => writeFile(join(dir, name), data);
    await mkdir(join(dir, 'nested'));
    await f('notes.txt', `Meeting notes\n${LINE}\n`);
    await f('notes-utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`Header\n${LINE}\n`, 'utf16le')]));
    await f('people.csv', `name,credit card,ssn\nAnn,${CARD},${SSN}\n`);
    await f('people.tsv', `name\tcredit card\nAnn\t${CARD}\n`);
    await f('record.json', JSON.stringify({ customer: { name: 'Ann', creditCard: CARD, ssn: SSN } }));
    await f('records.jsonl', `{"id":1}\n{"id":2,"credit_card":"${CARD}"}\n`);
    await f('notes.txt.gz', gzipOf(LINE));
    await f('bundle.zip', await zipOf([['inner/notes.txt', LINE]]));
    await f('bundle.tar', await tarOf([['a/notes.txt', LINE]]));
    await f('nested/deep.zip', await zipOf([['level1.zip', await zipOf([['level2.txt', LINE]])]]));
    await f('letter.docx', await zipOf([['[Content_Types].xml', CT], ['word/document.xml', `<w:document ${W}><w:body><w:p><w:r><w:t>${LINE}</w:t></w:r></w:p></w:body></w:document>`]]));
    await f('book.xlsx', await zipOf([
      ['[Content_Types].xml', CT],
      ['xl/workbook.xml', `<workbook ${S}><sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>`],
      ['xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/></Relationships>'],
      ['xl/worksheets/sheet1.xml', `<worksheet ${S}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Credit card</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>${CARD}</t></is></c></row></sheetData></worksheet>`],
    ]));
    const slide = (body: string) => `<p:sld ${A}><p:cSld><p:spTree><p:sp><p:txBody>${body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;
    await f('deck.pptx', await zipOf([['[Content_Types].xml', CT], ['ppt/presentation.xml', `<p:presentation ${A}/>`], ['ppt/slides/slide1.xml', slide(`<a:p><a:r><a:t>${LINE}</a:t></a:r></a:p>`)]]));
    await f('report.pdf', pdfOf([['Quarterly report'], [LINE]]));
    await f(
      'mail.eml',
      ['From: a@example.com', 'To: b@example.com', 'Subject: card', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', LINE, ''].join('\r\n'),
    );
    await f('people.parquet', Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'name', data: ['Ann', 'Bob'], type: 'STRING' }, { name: 'credit_card', data: [CARD, 'none'], type: 'STRING' }] })));
    await f('people.avro', await avroOf({ type: 'record', name: 'Row', fields: [{ name: 'name', type: 'string' }, { name: 'card', type: 'string' }] }, [{ name: 'Ann', card: `credit card ${CARD}` }], 'deflate'));
    await f('random.bin', randomBytes(4096));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  it('finds the card in every format, with exact locations, and reports unreadable content with a reason', () => {
    const r = spawnSync(process.execPath, cofferArgs('scan', dir, '--format', 'json', '--no-progress'), { cwd: ROOT, encoding: 'utf8', env: cleanEnv(), timeout: 300_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(!r.stdout.includes(CARD) && !r.stdout.includes(SSN), 'no raw value in the report');
    const report = JSON.parse(r.stdout) as ScanJson;
    const byName = new Map(report.objects.map((o) => [o.location.split('/').pop()!, o]));
    const withCard = [
      'notes.txt', 'notes-utf16.txt', 'people.csv', 'people.tsv', 'record.json', 'records.jsonl', 'notes.txt.gz', 'bundle.zip', 'bundle.tar',
      'deep.zip', 'letter.docx', 'book.xlsx', 'deck.pptx', 'report.pdf', 'mail.eml', 'people.parquet', 'people.avro',
    ];
    const missing = withCard.filter((n) => !JSON.stringify(byName.get(n)?.finding ?? null).includes('CREDIT_CARD_NUMBER'));
    assert.deepEqual(missing, [], `formats without a card finding: ${missing.join(', ')}`);
    assert.match(JSON.stringify(byName.get('notes.txt')), /"lineRanges":\[\{"start":2/);
    assert.match(JSON.stringify(byName.get('people.csv')), /"row":2,"column":2,"columnName":"credit card"/);
    assert.match(JSON.stringify(byName.get('record.json')), /"jsonPath":"\$\.customer\.creditCard"/);
    assert.match(JSON.stringify(byName.get('report.pdf')), /"pages":\[\{"pageNumber":2|"page":2/);
    const bin = JSON.stringify(byName.get('random.bin'));
    assert.match(bin, /UNSUPPORTED_FILE_TYPE|SKIPPED|CORRUPT_FILE/);
  });
});
