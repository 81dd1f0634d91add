/**
 * One incremental interface over every digest the S3 data path needs: the five S3 checksum
 * algorithms plus MD5 (Content-MD5, ETags). Digests are raw bytes in S3's byte order (CRCs
 * big-endian); S3 puts them on the wire as base64 (`toBase64`).
 */
import { createHash, type Hash } from 'node:crypto';
import { CofferError } from '../../shared/errors.js';
import type { HashAlgorithm } from './algorithms.js';
import { crc32, crc32c, type Crc32Fn } from './crc32.js';
import { crc64nvmeDigest, crc64nvmeInit, crc64nvmeUpdate, type Crc64State } from './crc64nvme.js';

export interface Hasher {
  readonly algorithm: HashAlgorithm;
  /** Feeds more bytes. Throws `checksum.finalized` after digest(). */
  update(data: Uint8Array): this;
  /** The digest of everything fed; finalises the hasher. Calling it again returns the same bytes. */
  digest(): Buffer;
}

function finalized(algorithm: HashAlgorithm): CofferError {
  return new CofferError('checksum.finalized', { message: 'Checksum already finalised', details: { algorithm } });
}

class Crc32Hasher implements Hasher {
  private value = 0;
  private result: Buffer | undefined;
  constructor(
    readonly algorithm: 'CRC32' | 'CRC32C',
    private readonly fn: Crc32Fn,
  ) {}
  update(data: Uint8Array): this {
    if (this.result) throw finalized(this.algorithm);
    if (data.length > 0) this.value = this.fn(data, this.value);
    return this;
  }
  digest(): Buffer {
    if (!this.result) {
      this.result = Buffer.allocUnsafe(4);
      this.result.writeUInt32BE(this.value >>> 0, 0);
    }
    return Buffer.from(this.result);
  }
}

class Crc64Hasher implements Hasher {
  readonly algorithm = 'CRC64NVME' as const;
  private readonly state: Crc64State = crc64nvmeInit();
  private result: Buffer | undefined;
  update(data: Uint8Array): this {
    if (this.result) throw finalized(this.algorithm);
    crc64nvmeUpdate(this.state, data);
    return this;
  }
  digest(): Buffer {
    this.result ??= crc64nvmeDigest(this.state);
    return Buffer.from(this.result);
  }
}

const NODE_HASH = { SHA1: 'sha1', SHA256: 'sha256', MD5: 'md5' } as const;

class NodeHasher implements Hasher {
  private readonly hash: Hash;
  private result: Buffer | undefined;
  constructor(readonly algorithm: 'SHA1' | 'SHA256' | 'MD5') {
    this.hash = createHash(NODE_HASH[algorithm]);
  }
  update(data: Uint8Array): this {
    if (this.result) throw finalized(this.algorithm);
    this.hash.update(data);
    return this;
  }
  digest(): Buffer {
    this.result ??= this.hash.digest();
    return Buffer.from(this.result);
  }
}

/** A fresh incremental hasher for `algorithm`. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  switch (algorithm) {
    case 'CRC32':
      return new Crc32Hasher('CRC32', crc32);
    case 'CRC32C':
      return new Crc32Hasher('CRC32C', crc32c);
    case 'CRC64NVME':
      return new Crc64Hasher();
    case 'SHA1':
    case 'SHA256':
    case 'MD5':
      return new NodeHasher(algorithm);
    default: {
      const never: never = algorithm;
      throw new CofferError('checksum.unsupported_algorithm', { details: { algorithm: String(never) } });
    }
  }
}

/** One-shot digest of a complete buffer. */
export function digestOf(algorithm: HashAlgorithm, data: Uint8Array): Buffer {
  return createHasher(algorithm).update(data).digest();
}

/** Raw digest bytes -> the base64 text S3 uses in headers and XML. */
export function toBase64(digest: Uint8Array): string {
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength).toString('base64');
}
