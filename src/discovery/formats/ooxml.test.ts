import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipOf } from './test-fixtures.js';
import { collect, where } from './test-helpers.js';

const CT = '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>';
const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
const A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
const S = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

describe('Office Open XML readers', () => {
  it('reads DOCX paragraphs as lines and locates a marker split across runs', async () => {
    const docx = await zipOf([
      ['[Content_Types].xml', CT],
      ['word/document.xml', `<?xml version="1.0"?><w:document ${W}><w:body>
        <w:p><w:r><w:t>First paragraph</w:t></w:r></w:p>
        <w:p><w:r><w:t xml:space="preserve">Second </w:t></w:r><w:r><w:t>has MAR</w:t></w:r><w:r><w:t>KER &amp; more</w:t></w:r></w:p>
        <w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t><w:tab/><w:t>after tab</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
      </w:body></w:document>`],
      ['word/header1.xml', `<w:hdr ${W}><w:p><w:r><w:t>Header HDR-MARKER</w:t></w:r></w:p></w:hdr>`],
    ]);
    const { units, formats, skipped } = await collect(docx, { filename: 'letter.docx' });
    assert.deepEqual(skipped, []);
    assert.deepEqual(formats, [':docx']);
    assert.deepEqual(where(units, 'MARKER &'), { line: 2, column: 12, offset: 27, container: [] });
    assert.ok(units[0]?.text.includes('cell\tafter tab'));
    assert.deepEqual(where(units, 'HDR-MARKER'), { line: 1, column: 8, offset: 7, container: ['word/header1.xml'] });
  });

  it('reads XLSX cells with sheet, row, column and the header as column name, resolving shared strings', async () => {
    const xlsx = await zipOf([
      ['[Content_Types].xml', CT],
      ['xl/workbook.xml', `<workbook ${S}><sheets><sheet name="Summary" sheetId="1" r:id="rId1"/><sheet name="People" sheetId="2" r:id="rId2"/></sheets></workbook>`],
      ['xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/><Relationship Id="rId2" Target="/xl/worksheets/sheet2.xml" Type="x"/></Relationships>'],
      ['xl/sharedStrings.xml', `<sst ${S}><si><t>Name</t></si><si><t>SSN</t></si><si><r><t>MAR</t></r><r><t>KER</t></r><rPh><t>ignored</t></rPh></si><si><t>Ann</t></si></sst>`],
      ['xl/worksheets/sheet1.xml', `<worksheet ${S}><sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>`],
      ['xl/worksheets/sheet2.xml', `<worksheet ${S}><sheetData>
        <row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1" t="s"><v>1</v></c></row>
        <row r="3"><c r="A3" t="s"><v>3</v></c><c r="C3" t="s"><v>2</v></c><c r="D3" t="inlineStr"><is><t>inline text</t></is></c><c r="E3" t="b"><v>1</v></c></row>
      </sheetData></worksheet>`],
    ]);
    const { units, formats } = await collect(xlsx, { filename: 'book.xlsx' });
    assert.deepEqual(formats, [':xlsx']);
    assert.deepEqual(units.map((u) => u.text), ['42', 'Name', 'SSN', 'Ann', 'MARKER', 'inline text']);
    const cell = units.find((u) => u.text === 'MARKER');
    assert.deepEqual(cell?.location, { kind: 'cell', row: 3, column: 3, columnName: 'SSN', sheet: 'People' });
    assert.deepEqual(cell?.contextKeywords, ['SSN']);
    assert.deepEqual(units[0]?.location, { kind: 'cell', row: 1, column: 1, columnName: null, sheet: 'Summary' });
  });

  it('reads PPTX slides as pages with lines counted within each slide', async () => {
    const slide = (body: string) => `<p:sld ${A}><p:cSld><p:spTree><p:sp><p:txBody>${body}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;
    const pptx = await zipOf([
      ['[Content_Types].xml', CT],
      ['ppt/presentation.xml', `<p:presentation ${A}/>`],
      ['ppt/slides/slide2.xml', slide('<a:p><a:r><a:t>Title two</a:t></a:r></a:p><a:p><a:r><a:t>Call MARKER now</a:t></a:r></a:p>')],
      ['ppt/slides/slide1.xml', slide('<a:p><a:r><a:t>Title one</a:t></a:r></a:p>')],
      ['ppt/notesSlides/notesSlide1.xml', slide('<a:p><a:r><a:t>note NOTE-MARKER</a:t></a:r></a:p>')],
    ]);
    const { units, formats } = await collect(pptx, { filename: 'deck.pptx' });
    assert.deepEqual(formats, [':pptx']);
    assert.equal(units[0]?.location.kind === 'text' && units[0].location.page, 1);
    assert.deepEqual(where(units, 'MARKER now'), { line: 2, column: 6, offset: 15, page: 2, container: [] });
    assert.deepEqual(where(units, 'NOTE-MARKER'), { line: 1, column: 6, offset: 5, container: ['ppt/notesSlides/notesSlide1.xml'] });
  });

  it('reads files embedded in a document as nested parts', async () => {
    const docx = await zipOf([
      ['[Content_Types].xml', CT],
      ['word/document.xml', `<w:document ${W}><w:body><w:p><w:r><w:t>see table</w:t></w:r></w:p></w:body></w:document>`],
      ['word/embeddings/data.csv', 'k,v\nx,EMBED-MARKER\n'],
    ]);
    const { units, formats } = await collect(docx, { filename: 'a.docx' });
    assert.deepEqual(formats, [':docx', 'word/embeddings/data.csv:csv']);
    const cell = units.find((u) => u.text === 'EMBED-MARKER');
    assert.deepEqual(cell?.container, ['word/embeddings/data.csv']);
    assert.deepEqual(cell?.location, { kind: 'cell', row: 2, column: 2, columnName: 'v' });
  });

  it('reads a zip without the Office parts as a plain archive', async () => {
    const zip = await zipOf([['[Content_Types].xml', CT], ['notes.txt', 'MARKER']]);
    const { formats } = await collect(zip, { filename: 'odd.docx' });
    assert.deepEqual(formats, [':zip', '[Content_Types].xml:text', 'notes.txt:text']);
  });

  it('reports a DOCX with malformed XML as corrupt', async () => {
    const docx = await zipOf([['[Content_Types].xml', CT], ['word/document.xml', `<w:document ${W}><w:body><w:p><w:t>ok</w:t></w:p><w:p>`]]);
    const { skipped } = await collect(docx, { filename: 'bad.docx' });
    assert.deepEqual(skipped.map((s) => [s.container, s.reason]), [[[], 'CORRUPT_FILE']]);
  });
});
