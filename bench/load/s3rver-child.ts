/**
 * Child process running s3rver (the same-language peer: Node, plain HTTP, no encryption, no
 * audit) on an ephemeral loopback port. Prints "listening PORT" once ready; SIGTERM stops it.
 *
 *   node --import tsx bench/load/s3rver-child.ts DIRECTORY
 */
import { createRequire } from 'node:module';

interface S3rverInstance {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverCtor;
const directory = process.argv[2];
if (!directory) throw new Error('usage: s3rver-child.ts DIRECTORY');

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, vhostBuckets: false });
const { port } = await server.run();
process.stdout.write(`listening ${port}\n`);
process.on('SIGTERM', () => {
  server.close().finally(() => process.exit(0));
});
