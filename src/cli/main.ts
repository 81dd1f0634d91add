/**
 * The `coffer` command: `init`, `server`, `scan`. A thin client of the app and the APIs.
 * Errors print one clear line (what is wrong and what to do) and exit non-zero.
 */
import { Command, Option } from 'commander';
import { isCofferError } from '../shared/index.js';
import { loadConfig, serverCertificateNames, type ConfigOverrides } from '../config/index.js';
import { initDataDir, isInitialized, masterKeySourceOf } from '../app/data-dir.js';
import { startCoffer } from '../app/start.js';
import { registerScanCommand } from '../discovery/cli/index.js';
import { registerAuditCommands } from '../audit/index.js';
import { registerDoctorCommand } from './doctor.js';
import { checkFipsAtStart } from '../tls/index.js';
import { registerIamEvidenceCommands } from './iam-evidence.js';
import { registerRevokeSessionsCommand } from './revoke-sessions.js';

interface CommonFlags {
  dataDir?: string;
  config?: string;
  listen?: string;
  insecureHttp?: boolean;
  serverName?: string[];
}

function overridesOf(flags: CommonFlags): ConfigOverrides {
  return {
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.listen !== undefined ? { listen: flags.listen } : {}),
    ...(flags.insecureHttp ? { insecureHttp: true } : {}),
    ...(flags.serverName?.length ? { serverNames: flags.serverName } : {}),
  };
}

function printCredentials(r: { accessKeyId: string; secretAccessKey: string; caCertFile: string }, dataDir: string): void {
  process.stdout.write(
    [
      `Coffer initialised in ${dataDir}`,
      '',
      '  Admin credentials (shown only once; store them now):',
      `    Access key ID:     ${r.accessKeyId}`,
      `    Secret access key: ${r.secretAccessKey}`,
      `  CA certificate:      ${r.caCertFile}`,
      '',
      '  MFA (setting mfa, default privileged): IAM, key and bucket-policy changes, bucket and version',
      '  deletion, audit and KMS administration need an MFA session. Enroll a virtual MFA device with',
      '    aws iam create-virtual-mfa-device --virtual-mfa-device-name admin --outfile qr.png --bootstrap-method QRCodePNG',
      '    aws iam enable-mfa-device --user-name admin --serial-number SERIAL --authentication-code1 CODE1 --authentication-code2 CODE2',
      '  then use the credentials of: aws sts get-session-token --serial-number SERIAL --token-code CODE',
      '',
    ].join('\n') + '\n',
  );
}

export function buildProgram(): Command {
  const program = new Command('coffer')
    .description('Coffer: an S3-compatible object store with data protection built in')
    .showHelpAfterError()
    .exitOverride();

  const collect = (v: string, prev: string[] = []) => [...prev, v];

  program
    .command('init')
    .description('create a data directory: master key, local CA and server certificate, admin credentials')
    .requiredOption('--data-dir <dir>', 'data directory to create')
    .option('--config <file>', 'JSON configuration file')
    .option('--server-name <name>', 'extra DNS name or IP for the server certificate (repeatable)', collect)
    .option('--json', 'print {accessKeyId, secretAccessKey, caCertFile} as one JSON object')
    .action(async (flags: CommonFlags & { json?: boolean }) => {
      const config = loadConfig({ overrides: overridesOf(flags), ...(flags.config ? { file: flags.config } : {}) });
      const r = await initDataDir(config.dataDir, { serverNames: serverCertificateNames(config), masterKey: await masterKeySourceOf(config) });
      if (flags.json) process.stdout.write(JSON.stringify({ accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, caCertFile: r.caCertFile }) + '\n');
      else printCredentials(r, config.dataDir);
    });

  program
    .command('server')
    .description('serve the S3 API over HTTPS (initialises the data directory first if it is new)')
    .option('--data-dir <dir>', 'data directory (default ./data, or COFFER_DATA_DIR)')
    .option('--config <file>', 'JSON configuration file')
    .option('--listen <host:port>', 'address to listen on (default 127.0.0.1:9000)')
    .option('--server-name <name>', 'extra DNS name or IP for the server certificate (repeatable)', collect)
    .addOption(new Option('--insecure-http', 'serve plain HTTP instead of HTTPS (unsafe; for debugging only)'))
    .action(async (flags: CommonFlags) => {
      const config = loadConfig({ overrides: overridesOf(flags), ...(flags.config ? { file: flags.config } : {}) });
      // fips strict without the provider: refuse before creating a new data directory too.
      if (config.fips.mode === 'strict') checkFipsAtStart('strict');
      if (!(await isInitialized(config.dataDir))) {
        const r = await initDataDir(config.dataDir, { serverNames: serverCertificateNames(config), masterKey: await masterKeySourceOf(config) });
        printCredentials(r, config.dataDir);
      }
      const running = await startCoffer(config);
      const lines = [`Coffer is serving S3 on ${running.url}`];
      if (running.fipsUrl) lines.push(`  FIPS endpoint (fips ${config.fips.mode}) on ${running.fipsUrl}`);
      if (running.caCertFile) {
        lines.push(`  CA certificate: ${running.caCertFile}`);
        const host = running.url.replace('127.0.0.1', 'localhost');
        lines.push(`  Try: aws --endpoint-url ${host} --ca-bundle ${running.caCertFile} s3 ls`);
      } else {
        lines.push('  WARNING: plain HTTP (--insecure-http): credentials and data cross the network unencrypted.');
      }
      process.stdout.write(lines.join('\n') + '\n');
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stdout.write(`${signal} received: finishing in-flight requests, then stopping\n`);
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      };
      process.on('SIGHUP', () => void running.reloadTls());
      process.on('SIGTERM', () => stop('SIGTERM'));
      process.on('SIGINT', () => stop('SIGINT'));
    });

  registerScanCommand(program);
  registerAuditCommands(program);
  registerDoctorCommand(program);
  registerIamEvidenceCommands(program);
  registerRevokeSessionsCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const e = err as { code?: string; exitCode?: number };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      process.exitCode = e.exitCode ?? 2;
      return;
    }
    if (isCofferError(err)) {
      process.stderr.write(`coffer: ${err.message}\n`);
      const issues = (err.details as { issues?: Array<{ message: string }> }).issues;
      for (const i of issues ?? []) process.stderr.write(`  ${i.message}\n`);
    } else {
      process.stderr.write(`coffer: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exitCode = 2;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) await main(process.argv);
