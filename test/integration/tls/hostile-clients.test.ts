// Slow and hostile clients against a real server: a client that connects and sends nothing is
// dropped by the handshake timeout; garbage bytes, plain HTTP on the TLS port and a TLS 1.2
// renegotiation attempt are refused without crashing the server or leaking a connection slot;
// connections beyond limits.maxConnectionsPerSource from one address are closed at once and
// logged, while another address still gets in.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { startCoffer, type Coffer } from '../harness.js';

const MAX_PER_SOURCE = 6;

/** Resolves when the server closes `socket`, with the bytes it sent first. */
function closedByServer(socket: Socket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
  });
}

function rawConnect(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect({ port, host: '127.0.0.1', localAddress }, () => resolve(s));
    s.once('error', reject);
  });
}

/** A TLS connection that completed its handshake ('open'), or was closed/reset before ('refused'). */
function tlsAttempt(port: number, ca: string, localAddress = '127.0.0.1'): Promise<{ result: 'open' | 'refused'; socket: TLSSocket }> {
  return new Promise((resolve) => {
    // localAddress reaches net.connect; @types/node leaves it out of tls.ConnectionOptions.
    const socket = tlsConnect({ port, host: '127.0.0.1', servername: 'localhost', ca, ...({ localAddress } as object) });
    socket.once('secureConnect', () => resolve({ result: 'open', socket }));
    socket.once('error', () => resolve({ result: 'refused', socket }));
    socket.once('close', () => resolve({ result: 'refused', socket }));
  });
}

function destroyAll(sockets: Socket[]): Promise<void> {
  return Promise.all(sockets.map((s) => new Promise<void>((r) => {
    if (s.destroyed) r();
    else {
      s.once('close', () => r());
      s.destroy();
    }
  }))).then(() => undefined);
}

/** `openssl s_client -tls1_2`, which asks for a renegotiation ("R") once the handshake is done. */
function renegotiate(port: number, extra: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-tls1_2', ...extra], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let asked = false;
    const onData = (d: Buffer) => {
      output += d.toString('latin1');
      // The session block ends the handshake output; then ask to renegotiate.
      if (!asked && /Verify return code:[^\n]*\n[\s\S]*---/.test(output)) {
        asked = true;
        child.stdin.write('R\n');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('slow and hostile clients', { timeout: 180_000 }, () => {
  let coffer: Coffer;

  before(async () => {
    coffer = await startCoffer({ env: { COFFER_LIMITS_HANDSHAKE_TIMEOUT_MS: '1000', COFFER_LIMITS_MAX_CONNECTIONS_PER_SOURCE: String(MAX_PER_SOURCE) } });
  });
  after(async () => {
    await coffer?.dispose();
  });

  it('drops a client that connects and never starts the TLS handshake, without sending it anything', async () => {
    const socket = await rawConnect(coffer.port);
    const sent = await closedByServer(socket);
    assert.equal(sent.length, 0);
  });

  it('drops a client that stalls after the first bytes of a ClientHello', async () => {
    const socket = await rawConnect(coffer.port);
    const done = closedByServer(socket);
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    await done;
  });

  it('closes connections that send garbage or plain HTTP instead of TLS', async () => {
    for (const payload of [randomBytes(4096), Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), Buffer.alloc(2048, 0)]) {
      const socket = await rawConnect(coffer.port);
      const done = closedByServer(socket);
      socket.write(payload);
      const sent = await done;
      assert.doesNotMatch(sent.toString('latin1'), /HTTP\/1\.1 200/);
    }
  });

  it('refuses a TLS 1.2 renegotiation (also from a client allowing legacy renegotiation) and the connection ends', async () => {
    for (const extra of [[], ['-legacy_renegotiation']]) {
      const r = await renegotiate(coffer.port, extra);
      assert.match(r.output, /Protocol *: TLSv1\.2/, 'the handshake itself succeeded');
      assert.match(r.output, /RENEGOTIATING/);
      assert.match(r.output, /no renegotiation/i, r.output.slice(-600));
      assert.notEqual(r.code, 0, 's_client gave up on the connection');
    }
  });

  it('is still serving, with every hostile connection released: the per-source limit admits exactly its maximum again', async () => {
    assert.equal(coffer.process.exitCode, null, 'the server did not exit');
    const client = coffer.client();
    const buckets = await client.send(new ListBucketsCommand({}));
    assert.ok(Array.isArray(buckets.Buckets));
    // Its keep-alive socket would hold a slot.
    client.destroy();

    let held: TLSSocket[] = [];
    try {
      for (let attempt = 0; attempt < 50; attempt++) {
        const tries = await Promise.all(Array.from({ length: MAX_PER_SOURCE }, () => tlsAttempt(coffer.port, coffer.ca)));
        held = tries.map((t) => t.socket);
        if (tries.every((t) => t.result === 'open')) break;
        // A slot still held by a socket the server has not finished closing: try again shortly.
        await destroyAll(held);
        held = [];
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(held.length, MAX_PER_SOURCE, `${MAX_PER_SOURCE} connections from one address are admitted`);

      const extra = await tlsAttempt(coffer.port, coffer.ca);
      assert.equal(extra.result, 'refused', 'one more from the same address is closed at once');
      const rawExtra = await rawConnect(coffer.port);
      assert.equal((await closedByServer(rawExtra)).length, 0);

      const other = await tlsAttempt(coffer.port, coffer.ca, '127.0.0.2');
      assert.equal(other.result, 'open', 'another address still gets in');
      await destroyAll([other.socket, extra.socket]);

      for (let i = 0; i < 100 && !/too many open connections/.test(coffer.stderr()); i++) await new Promise((r) => setTimeout(r, 20));
      const lines = coffer.stderr().split('\n').filter((l) => /too many open connections/.test(l));
      assert.equal(lines.length, 1, 'logged once, not once per refused connection');
      assert.match(lines[0] ?? '', /"source":"127\.0\.0\.1"/);

      await destroyAll([held.pop() as TLSSocket]);
      let again: Awaited<ReturnType<typeof tlsAttempt>> | undefined;
      for (let i = 0; i < 50; i++) {
        again = await tlsAttempt(coffer.port, coffer.ca);
        if (again.result === 'open') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(again?.result, 'open', 'a closed connection frees its slot');
      held.push(again!.socket);
    } finally {
      await destroyAll(held);
    }
  });
});
