import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { limitConnectionsPerSource, type ConnectionLimit } from './connection-limit.js';

interface Logged {
  obj: Record<string, unknown>;
  msg: string;
}

/** Connects from `localAddress`; resolves 'open' once the server said hello, 'closed' if the server closed it first. */
function attempt(port: number, localAddress = '127.0.0.1'): Promise<{ result: 'open' | 'closed'; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.on('error', () => undefined);
    socket.once('data', () => resolve({ result: 'open', socket }));
    socket.once('close', () => resolve({ result: 'closed', socket }));
  });
}

function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    else {
      socket.once('close', () => resolve());
      socket.destroy();
    }
  });
}

describe('limitConnectionsPerSource', () => {
  let server: Server;
  let port: number;
  let limit: ConnectionLimit;
  const logs: Logged[] = [];
  let clock = 1_000_000;
  const sockets = new Set<Socket>();

  before(async () => {
    server = createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.write('hello');
    });
    limit = limitConnectionsPerSource(server, {
      maxPerSource: 3,
      logger: { warn: (obj, msg) => logs.push({ obj: obj as Record<string, unknown>, msg }) },
      logIntervalMs: 60_000,
      now: () => clock,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('closes connections beyond the limit from one address at once, logs once per interval, and frees slots as connections close', async () => {
    const held = await Promise.all([attempt(port), attempt(port), attempt(port)]);
    assert.deepEqual(held.map((h) => h.result), ['open', 'open', 'open']);
    assert.equal(limit.open('127.0.0.1'), 3);

    assert.equal((await attempt(port)).result, 'closed');
    assert.equal((await attempt(port)).result, 'closed');
    assert.equal(limit.refused, 2);
    assert.equal(logs.length, 1, 'the second refusal inside the interval is not logged');
    assert.equal(logs[0]?.obj.source, '127.0.0.1');
    assert.match(logs[0]?.msg ?? '', /too many open connections/);

    clock += 60_000;
    assert.equal((await attempt(port)).result, 'closed');
    assert.equal(logs.length, 2);
    assert.equal(logs[1]?.obj.refusedSinceLastLog, 2, 'the next line counts what was not logged');

    await closed(held[0]!.socket);
    for (let i = 0; i < 100 && limit.open('127.0.0.1') !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(limit.open('127.0.0.1'), 2);
    const again = await attempt(port);
    assert.equal(again.result, 'open', 'a closed connection frees its slot');
    await Promise.all([again, ...held.slice(1)].map((h) => closed(h.socket)));
  });

  it('counts each source address separately', async () => {
    // The server sees the previous test's sockets close a moment after the client does.
    for (let i = 0; i < 200 && limit.open('127.0.0.1') !== 0; i++) await new Promise((r) => setTimeout(r, 10));
    const full = await Promise.all([attempt(port), attempt(port), attempt(port)]);
    assert.ok(full.every((h) => h.result === 'open'));
    const other = await attempt(port, '127.0.0.2');
    assert.equal(other.result, 'open', 'another address still gets in');
    assert.equal(limit.open('127.0.0.2'), 1);
    await Promise.all([other, ...full].map((h) => closed(h.socket)));
  });

  it('refuses a limit below one', () => {
    assert.throws(() => limitConnectionsPerSource(server, { maxPerSource: 0, logger: { warn() {} } }), RangeError);
  });
});
