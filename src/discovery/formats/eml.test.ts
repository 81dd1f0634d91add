import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { zipOf } from './test-fixtures.js';
import { chunked, collect, where } from './test-helpers.js';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64').replace(/(.{76})/g, '$1\r\n');

function buildMessage(attachment: Buffer): string {
  return [
    'Return-Path: <bob@example.com>',
    'From: Bob Example <bob@example.com>',
    'To: =?utf-8?B?w4RubmE=?= <anna@example.org>',
    'Subject: Your account',
    ' SUBJECT-MARKER on a folded line',
    'DKIM-Signature: v=1; b=abcdefghijklmnop',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="outer"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer',
    'Content-Type: multipart/alternative; boundary=inner',
    '',
    '--inner',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello Anna,',
    'your number is BODY-MARKER today.',
    '--inner',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    '<p>Hello Anna, your number is QP-=',
    'MARKER=20today.</p>',
    '--inner--',
    '',
    '--outer',
    'Content-Type: application/zip; name="data.zip"',
    'Content-Disposition: attachment; filename="data.zip"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(attachment),
    '--outer--',
    'epilogue',
    '',
  ].join('\r\n');
}

describe('e-mail reader', () => {
  let message = '';
  before(async () => { message = buildMessage(await zipOf([['inner/people.csv', 'name,iban\nAnn,ZIP-MARKER\n']])); });

  it('locates header values at their line and column, with the header name as keyword', async () => {
    const { units, formats } = await collect(chunked(Buffer.from(message), 50), { filename: 'mail.eml' });
    assert.equal(formats[0], ':eml');
    const from = units.find((u) => u.contextKeywords?.[0] === 'From');
    assert.deepEqual(from?.location, { kind: 'text', startLine: 2, startColumn: 7, startOffset: 38 });
    assert.equal(from?.text, 'Bob Example <bob@example.com>');
    assert.equal(units.find((u) => u.contextKeywords?.[0] === 'To')?.text, 'Änna <anna@example.org>');
    assert.deepEqual(where(units, 'SUBJECT-MARKER'), { line: 5, column: 2, offset: 137, container: [] });
    assert.equal(units.some((u) => u.contextKeywords?.[0] === 'DKIM-Signature'), false);
  });

  it('scans 7bit text parts in place with the lines of the raw message', async () => {
    const { units } = await collect(Buffer.from(message), { filename: 'mail.eml' });
    const at = where(units, 'BODY-MARKER');
    assert.equal(at.line, 18);
    assert.equal(at.column, 16);
    assert.deepEqual(at.container, []);
  });

  it('decodes quoted-printable parts and reads them as nested parts named by MIME part number', async () => {
    const { units, formats } = await collect(Buffer.from(message), { filename: 'mail.eml' });
    assert.ok(formats.includes('part 1.1.2:text'));
    assert.deepEqual(where(units, 'QP-MARKER'), { line: 1, column: 31, offset: 30, container: ['part 1.1.2'] });
  });

  it('recurses into base64 attachments as containers', async () => {
    const { units, formats, skipped } = await collect(Buffer.from(message), { filename: 'mail.eml' });
    assert.deepEqual(skipped, []);
    assert.ok(formats.includes('data.zip:zip'));
    const cell = units.find((u) => u.text === 'ZIP-MARKER');
    assert.deepEqual(cell?.container, ['data.zip', 'inner/people.csv']);
    assert.deepEqual(cell?.location, { kind: 'cell', row: 2, column: 2, columnName: 'iban' });
  });

  it('recognises a message without an extension by its headers', async () => {
    const { formats, units } = await collect('From: a@example.com\nMessage-ID: <1@x>\nSubject: hi\n\nbody MARKER\n');
    assert.deepEqual(formats, [':eml']);
    assert.deepEqual(where(units, 'MARKER'), { line: 5, column: 6, offset: 56, container: [] });
  });
});
