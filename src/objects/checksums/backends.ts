/** Which implementation each CRC uses in this process, for benchmarks and diagnostics. */
import { crc32Backends } from './crc32.js';
import { crc64nvmeBackend } from './crc64nvme.js';

export const checksumBackends: Readonly<{ crc32: string; crc32c: string; crc64nvme: string }> = Object.freeze({
  ...crc32Backends,
  crc64nvme: crc64nvmeBackend === 'wasm' ? 'webassembly slice-by-16' : 'js slice-by-8',
});
