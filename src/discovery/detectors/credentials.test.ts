import assert from 'node:assert/strict';
import { it } from 'node:test';
import { AWS_SECRET, locateAwsSecrets } from './credentials.js';
import { found, runDetectorCases } from './test-support.js';

const body = (n: number): string => Array.from({ length: n }, (_, i) => 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj'.slice(0, 60) + String(i % 10).repeat(4)).join('\n');
const pem = (label: string): string => `-----BEGIN ${label}-----\n${body(6)}\n-----END ${label}-----`;
const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCY1zQ2x9Tq7A';

runDetectorCases('credentials', [
  {
    id: 'AWS_ACCESS_KEY_ID', valid: 'aws_access_key_id = AKIA2OGYBAH6QZ7RNYXW', value: 'AKIA2OGYBAH6QZ7RNYXW',
    invalid: 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    nearMiss: 'aws_access_key_id = AKIA2OGYBAH6QZ7RNYX',
  },
  {
    id: 'AWS_CREDENTIALS', valid: `aws_secret_access_key = ${SECRET}`, value: SECRET,
    invalid: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    nearMiss: 'aws_secret_access_key = 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
    noKeyword: { text: `Build artefact ${SECRET} uploaded`, expect: null },
  },
  { id: 'PKCS', valid: pem('RSA PRIVATE KEY'), value: pem('RSA PRIVATE KEY'), nearMiss: '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----' },
  { id: 'OPENSSH_PRIVATE_KEY', valid: pem('OPENSSH PRIVATE KEY'), value: pem('OPENSSH PRIVATE KEY'), nearMiss: pem('PUBLIC KEY') },
  { id: 'PGP_PRIVATE_KEY', valid: pem('PGP PRIVATE KEY BLOCK'), value: pem('PGP PRIVATE KEY BLOCK'), nearMiss: pem('PGP PUBLIC KEY BLOCK') },
  {
    id: 'PUTTY_PRIVATE_KEY',
    valid: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIDp8\nPrivate-Lines: 1\nAAAAIEl6T3Q0c2FtcGxlUHJpdmF0ZUtleUJ5dGVz`,
    value: `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIDp8\nPrivate-Lines: 1\nAAAAIEl6T3Q0c2FtcGxlUHJpdmF0ZUtleUJ5dGVz`,
  },
  { id: 'GITHUB_ACCESS_TOKEN', valid: 'GITHUB_TOKEN=ghp_R7t2Vx9QmB4kZ1sL8wN3pD6fH0jY5cA2eG7u', value: 'ghp_R7t2Vx9QmB4kZ1sL8wN3pD6fH0jY5cA2eG7u', invalid: `token ghp_${'x'.repeat(36)}`, nearMiss: 'ghp_R7t2Vx9QmB4kZ1sL8wN3pD6fH0jY5cA2eG7' },
  { id: 'GITLAB_ACCESS_TOKEN', valid: 'token: glpat-Xk3vR9mQ2wZ7tB1nL5pY', value: 'glpat-Xk3vR9mQ2wZ7tB1nL5pY', nearMiss: 'glpat-Xk3vR9mQ2' },
  { id: 'SLACK_TOKEN', valid: 'SLACK_BOT_TOKEN=xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', value: 'xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', nearMiss: 'xoxq-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx' },
  { id: 'SLACK_WEBHOOK_URL', valid: 'hook https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/Xk3vR9mQ2wZ7tB1nL5pYqWe8', value: 'https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/Xk3vR9mQ2wZ7tB1nL5pYqWe8', nearMiss: 'https://hooks.slack.com/services/T0ABC' },
  { id: 'STRIPE_CREDENTIALS', valid: 'STRIPE_SECRET_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc', value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', nearMiss: 'pk_live_4eC39HqLyjWDarjtT1zdp7dc' },
  { id: 'GCP_API_KEY', valid: 'key=AIzaSyD3xQ9vK2mL7pR4tW8nB1cF6hJ0sE5gY2u', value: 'AIzaSyD3xQ9vK2mL7pR4tW8nB1cF6hJ0sE5gY2u', nearMiss: 'AIzaSyD3xQ9vK2mL7pR4' },
  { id: 'JSON_WEB_TOKEN', valid: `Authorization: Bearer ${JWT}`, value: JWT, invalid: 'eyJub3Rqc29u.eyJub3Rqc29u.abc', nearMiss: 'eyJhbGciOiJIUzI1NiJ9' },
  {
    id: 'PASSWORD', valid: 'db_password = "S3cure!Pass2024"', value: 'S3cure!Pass2024',
    invalid: 'db_password = "${DB_PASSWORD}"',
    nearMiss: 'password = get_password_from_vault',
  },
  {
    id: 'DATABASE_CONNECTION_STRING', valid: 'DATABASE_URL=postgres://app:Tr0ub4dor%263@db.internal:5432/orders', value: 'postgres://app:Tr0ub4dor%263@db.internal:5432/orders',
    invalid: 'DATABASE_URL=postgres://app:${DB_PASS}@db.internal:5432/orders',
    nearMiss: 'DATABASE_URL=postgres://db.internal:5432/orders',
  },
  {
    id: 'HTTP_BASIC_AUTH_URL', valid: 'clone https://alice:s3cr3tPw!@git.example.com/repo.git', value: 'https://alice:s3cr3tPw!@git.example.com',
    invalid: 'clone https://alice:password@git.example.com/repo.git',
    nearMiss: 'clone https://alice@git.example.com/repo.git',
  },
  {
    id: 'HTTP_BASIC_AUTH_HEADER', valid: 'Authorization: Basic YWxpY2U6czNjcjN0UHch', value: 'Basic YWxpY2U6czNjcjN0UHch',
    invalid: 'Authorization: Basic bm9jb2xvbmhlcmU=',
    noKeyword: { text: 'The word Basic YWxpY2U6czNjcjN0UHch appears in prose', expect: null },
  },
]);

it('pairs an AWS secret with a nearby access key id even without a keyword', () => {
  const hits = found(`key AKIA2OGYBAH6QZ7RNYXW\nvalue ${SECRET}`);
  assert.deepEqual(hits.map(([id]) => id), ['AWS_ACCESS_KEY_ID', 'AWS_CREDENTIALS']);
});

it('reports a value in a column named password as a password', () => {
  assert.deepEqual(found('Kx9!mQ2#wZ7t', ['db_password']), [['PASSWORD', 'Kx9!mQ2#wZ7t']]);
  assert.deepEqual(found('Kx9!mQ2#wZ7t', ['notes']), []);
});

it('finds a password assignment among many other colons and equals signs', () => {
  const noise = Array.from({ length: 40 }, (_, i) => `"k${i}":"v${i}",t=10:3${i % 10}:00`).join(' ');
  assert.deepEqual(found(`${noise} "password": "Kx9!mQ2#wZ7t" ${noise}`).filter(([id]) => id === 'PASSWORD'), [['PASSWORD', 'Kx9!mQ2#wZ7t']]);
  assert.deepEqual(found(`${noise} ${noise}`).filter(([id]) => id === 'PASSWORD'), []);
});

it('does not take a window of text with no spaces for a whole cell (reports the value, not the window)', () => {
  // The trigger window around "=" is one long token here; only a whole unit may be the secret.
  const text = `${'Zq'.repeat(30)}_password=Kx9!mQ2#wZ7t`;
  assert.deepEqual(found(text).filter(([id]) => id === 'PASSWORD'), [['PASSWORD', 'Kx9!mQ2#wZ7t']]);
});

it('finds AWS secret shapes without the regex exactly where the regex does', () => {
  const alphabet = ['A', 'z', '0', '+', '/', '=', ' ', '-', '\u0000', 'é'];
  let seed = 12345;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  for (let k = 0; k < 400; k++) {
    let t = '';
    const parts = 1 + rnd(6);
    for (let i = 0; i < parts; i++) t += rnd(3) === 0 ? alphabet[rnd(alphabet.length)]! : 'x'.repeat(35 + rnd(10)) + alphabet[rnd(alphabet.length)]!;
    const got: Array<[number, number]> = [];
    locateAwsSecrets(t, (s, e) => { got.push([s, e]); });
    const want = [...t.matchAll(AWS_SECRET)].map((m): [number, number] => [m.index, m.index + m[0].length]);
    assert.deepEqual(got, want, JSON.stringify(t));
  }
});

