import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isCofferError } from '../../shared/errors.js';
import { combineAllowLists, compileAllowList } from './allow-list.js';
import { loadAllowListFile, loadCustomIdentifiersFile } from './load.js';

describe('compileAllowList', () => {
  it('allows an exact listed text regardless of case, and nothing that merely contains it', () => {
    const a = compileAllowList({ texts: ['John.Doe@Example.com'] });
    assert.equal(a.allows('john.doe@example.com', 'EMAIL_ADDRESS'), true);
    assert.equal(a.allows('JOHN.DOE@EXAMPLE.COM', 'EMAIL_ADDRESS'), true);
    assert.equal(a.allows('xjohn.doe@example.com', 'EMAIL_ADDRESS'), false);
    assert.equal(a.allows('john.doe@example.co', 'EMAIL_ADDRESS'), false);
  });

  it('allows a text only when the regex matches all of it', () => {
    const a = compileAllowList({ regex: '[a-z]+@example\\.(com|org)' });
    assert.equal(a.allows('alice@example.org', 'EMAIL_ADDRESS'), true);
    assert.equal(a.allows('alice@example.org.evil.net', 'EMAIL_ADDRESS'), false);
    assert.equal(a.allows('bob.alice@example.org', 'EMAIL_ADDRESS'), false);
  });

  it('combines several lists with OR', () => {
    const a = combineAllowLists([compileAllowList({ texts: ['one'] }), compileAllowList({ regex: 'two\\d' })]);
    assert.equal(a.allows('ONE', 'X'), true);
    assert.equal(a.allows('two2', 'X'), true);
    assert.equal(a.allows('three', 'X'), false);
  });

  it('rejects an empty allow list, a look-around regex and a regex over 512 characters', () => {
    assert.throws(() => compileAllowList({}), (e: unknown) => isCofferError(e, 'discovery.invalid_allow_list'));
    assert.throws(() => compileAllowList({ regex: '(?=a)a' }), (e: unknown) => isCofferError(e, 'discovery.invalid_regex') && /look-ahead/.test(e.message));
    assert.throws(() => compileAllowList({ regex: 'a'.repeat(513) }), (e: unknown) => isCofferError(e, 'discovery.invalid_allow_list') && /regex/.test(e.message));
  });
});

describe('definition files', () => {
  let dir = '';
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'coffer-custom-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('reads a line-delimited allow list, ignoring blank lines and CR line ends', async () => {
    const f = join(dir, 'allow.txt');
    await writeFile(f, '\ufeffalice@example.com\r\n\r\n  \nBOB@example.com\n');
    const a = await loadAllowListFile(f);
    assert.equal(a.allows('ALICE@example.com', 'EMAIL_ADDRESS'), true);
    assert.equal(a.allows('bob@example.com', 'EMAIL_ADDRESS'), true);
    assert.equal(a.allows('', 'EMAIL_ADDRESS'), false);
  });

  it('reads a JSON allow list with texts and a regex', async () => {
    const f = join(dir, 'allow.json');
    await writeFile(f, JSON.stringify({ texts: ['4111 1111 1111 1111'], regex: 'test-\\d+' }));
    const a = await loadAllowListFile(f);
    assert.equal(a.allows('4111 1111 1111 1111', 'CREDIT_CARD_NUMBER'), true);
    assert.equal(a.allows('test-1', 'X'), true);
  });

  it('names the file and the field in errors, without quoting file content', async () => {
    const f = join(dir, 'ids.json');
    await writeFile(f, JSON.stringify([{ name: 'SECRET_THING', regex: 'sk_live_abcdef(?=x)' }]));
    await assert.rejects(loadCustomIdentifiersFile(f), (e: unknown) => {
      assert.ok(isCofferError(e, 'discovery.invalid_regex'));
      assert.match(e.message, /ids\.json/);
      assert.match(e.message, /look-ahead/);
      return true;
    });
    const g = join(dir, 'broken.json');
    await writeFile(g, '{"customDataIdentifiers": [ sk_live_abcdef');
    await assert.rejects(loadCustomIdentifiersFile(g), (e: unknown) =>
      isCofferError(e, 'discovery.invalid_custom_identifier') && /not valid JSON/.test(e.message) && !e.message.includes('sk_live'));
  });

  it('reports a missing file as a definition error', async () => {
    await assert.rejects(loadAllowListFile(join(dir, 'nope.txt')), (e: unknown) => isCofferError(e, 'discovery.invalid_allow_list'));
  });
});
