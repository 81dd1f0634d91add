/**
 * The cipher ceiling: `openssl speed -evp aes-256-gcm` on 64 KiB blocks (Coffer's chunk size),
 * one process, machine-readable output. This bounds what any encrypting PUT/GET can reach per core.
 */
import { spawnSync } from 'node:child_process';

export interface CipherCeiling {
  /** 10^6 bytes per second on one core. */
  mbPerSecOneCore: number;
  blockBytes: number;
  command: string;
}

export function opensslAesGcm(opts: { seconds: number; blockBytes?: number }): CipherCeiling | null {
  const block = opts.blockBytes ?? 65536;
  const args = ['speed', '-evp', 'aes-256-gcm', '-seconds', String(opts.seconds), '-bytes', String(block), '-mr'];
  const r = spawnSync('openssl', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) return null;
  // "+F:<n>:AES-256-GCM:<bytes per second>"
  const m = /^\+F:\d+:[^:]+:([\d.]+)/m.exec(r.stdout);
  if (!m) return null;
  return { mbPerSecOneCore: Number(m[1]) / 1e6, blockBytes: block, command: `openssl ${args.join(' ')}` };
}
