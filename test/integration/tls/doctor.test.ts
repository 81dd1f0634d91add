// `coffer doctor` against real data directories in a temp folder: healthy material, loose
// permissions, expiring certificates (injected clock), uncovered names, operator files with the
// wrong key, and FIPS strict mode without the provider.
import assert from 'node:assert/strict';
import { getFips } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { formatDoctorReport, registerDoctorCommand, runDoctor } from '../../../src/cli/doctor.js';
import { createLocalCa, ensureTlsMaterial, issueServerCertificate } from '../../../src/tls/index.js';

const DAY = 86_400_000;

async function makeDataDir(root: string, name: string, names: string[] = []): Promise<{ dir: string; notAfter: Date }> {
  const dir = join(root, name);
  const m = await ensureTlsMaterial({ dir, names });
  chmodSync(dir, 0o700);
  writeFileSync(join(dir, 'master.key'), Buffer.alloc(32, 1), { mode: 0o600 });
  return { dir, notAfter: m.notAfter };
}

describe('coffer doctor', { timeout: 60_000 }, () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'coffer-doctor-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reports a freshly initialised data directory as healthy, with names, expiry, FIPS and versions', async () => {
    const { dir } = await makeDataDir(root, 'healthy', ['s3.example.test', '*.s3.example.test']);
    const r = await runDoctor({ dataDir: dir, names: ['s3.example.test', '*.s3.example.test', 'bucket.s3.example.test'], fipsProviderActive: false });
    assert.deepEqual(r.warnings, []);
    assert.equal(r.healthy, true);
    const text = formatDoctorReport(r);
    assert.match(text, /DNS:\*\.s3\.example\.test/);
    assert.match(text, /IP:127\.0\.0\.1/);
    assert.match(text, /days left/);
    assert.match(text, /provider not active/);
    assert.match(text, new RegExp(`Node\\.js ${process.versions.node.replace(/\./g, '\\.')}, OpenSSL`));
    assert.match(text, /Healthy: no warnings/);
  });

  it('exits 1 and lists loose permissions on the data directory, master key and TLS keys', async () => {
    const { dir } = await makeDataDir(root, 'loose');
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'master.key'), 0o644);
    chmodSync(join(dir, 'tls', 'server-key.pem'), 0o640);
    chmodSync(join(dir, 'tls', 'ca-key.pem'), 0o604);
    const out: string[] = [];
    const program = new Command('coffer').exitOverride();
    registerDoctorCommand(program, { write: (t) => void out.push(t) });
    const previous = process.exitCode;
    try {
      await program.parseAsync(['node', 'coffer', 'doctor', '--data-dir', dir]);
      assert.equal(process.exitCode, 1);
    } finally {
      process.exitCode = previous;
    }
    const text = out.join('');
    assert.match(text, /4 warnings/);
    assert.match(text, /data directory\) has mode 0755; run chmod 700/);
    assert.match(text, /master\.key \(master key\) has mode 0644/);
    assert.match(text, /server-key\.pem \(TLS private key\) has mode 0640; run chmod 600/);
    assert.match(text, /ca-key\.pem \(CA private key\) has mode 0604/);
  });

  it('prints JSON and exits 0 for a healthy directory', async () => {
    const { dir } = await makeDataDir(root, 'json');
    const out: string[] = [];
    const program = new Command('coffer').exitOverride();
    registerDoctorCommand(program, { write: (t) => void out.push(t) });
    const previous = process.exitCode;
    try {
      await program.parseAsync(['node', 'coffer', 'doctor', '--data-dir', dir, '--json']);
      assert.equal(process.exitCode, 0);
    } finally {
      process.exitCode = previous;
    }
    const report = JSON.parse(out.join('')) as { healthy: boolean; tls: { certificates: { role: string }[] } };
    assert.equal(report.healthy, true);
    assert.deepEqual(report.tls.certificates.map((c) => c.role), ['server', 'ca']);
  });

  it('warns when the server certificate expires within 30 days, judged by the injected clock', async () => {
    const { dir, notAfter } = await makeDataDir(root, 'expiring');
    const at = (days: number) => ({ now: () => notAfter.getTime() - days * DAY });
    assert.equal((await runDoctor({ dataDir: dir, clock: at(45), fipsProviderActive: false })).healthy, true);
    const r = await runDoctor({ dataDir: dir, clock: at(12), fipsProviderActive: false });
    assert.equal(r.healthy, false);
    assert.match(r.warnings.join('\n'), /server\.pem expires on .* \(in 12 days\); Coffer renews it/);
    const expired = await runDoctor({ dataDir: dir, clock: at(-1), fipsProviderActive: false });
    assert.match(expired.warnings.join('\n'), /server\.pem expired on/);
  });

  it('warns about a configured name the certificate does not cover', async () => {
    const { dir } = await makeDataDir(root, 'names', ['s3.example.test']);
    const r = await runDoctor({ dataDir: dir, names: ['s3.example.test', '*.s3.example.test', 'other.example.test'], fipsProviderActive: false });
    assert.deepEqual(r.warnings.map((w) => w.replace(/^.*does not cover the configured name ([^;\s]+).*$/, '$1')), ['*.s3.example.test', 'other.example.test']);
  });

  it('checks operator-provided files: a key that belongs to another certificate is reported', async () => {
    const dir = join(root, 'operator');
    const { dir: dataDir } = await makeDataDir(root, 'operator');
    const ca = await createLocalCa({ commonName: 'Operator CA' });
    const a = await issueServerCertificate({ ca, names: ['s3.example.test'], days: 90 });
    const b = await issueServerCertificate({ ca, names: ['s3.example.test'], days: 90 });
    writeFileSync(join(dir, 'op.pem'), a.certPem);
    writeFileSync(join(dir, 'op-key.pem'), b.keyPem, { mode: 0o600 });
    const r = await runDoctor({ dataDir, certFile: join(dir, 'op.pem'), keyFile: join(dir, 'op-key.pem'), fipsProviderActive: false });
    assert.equal(r.tls.mode, 'files');
    assert.match(r.warnings.join('\n'), /key does not belong to the first certificate in .*op\.pem/);

    writeFileSync(join(dir, 'op-key.pem'), a.keyPem, { mode: 0o600 });
    const ok = await runDoctor({ dataDir, certFile: join(dir, 'op.pem'), keyFile: join(dir, 'op-key.pem'), names: ['s3.example.test'], fipsProviderActive: false });
    assert.deepEqual(ok.warnings, []);
  });

  it('warns that strict FIPS mode cannot start while the provider is inactive, and accepts endpoint mode', async () => {
    const { dir } = await makeDataDir(root, 'fips');
    const strict = await runDoctor({ dataDir: dir, fipsMode: 'strict', fipsProviderActive: false });
    assert.match(strict.warnings.join('\n'), /fips is "strict" but the OpenSSL FIPS provider is not active/);
    const endpoint = await runDoctor({ dataDir: dir, fipsMode: 'endpoint', fipsProviderActive: false });
    assert.equal(endpoint.healthy, true);
    assert.match(endpoint.tls.fips.summary, /does not make Coffer or Node a FIPS 140 validated module/);
    const active = await runDoctor({ dataDir: dir, fipsMode: 'strict', fipsProviderActive: true });
    assert.equal(active.healthy, true);
    // Without injection the real provider state is reported.
    assert.equal((await runDoctor({ dataDir: dir })).tls.fips.providerActive, getFips() === 1);
  });

  it('reports a data directory that does not exist once, not as a list of missing files', async () => {
    const r = await runDoctor({ dataDir: join(root, 'absent'), fipsProviderActive: false });
    assert.equal(r.healthy, false);
    assert.deepEqual(r.warnings.map((w) => /does not exist; run coffer init/.test(w)), [true]);
  });
});
