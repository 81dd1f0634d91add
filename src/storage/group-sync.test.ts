import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createGroupSync } from './group-sync.js';

/** A sync whose calls complete only when the test says so. */
function controlledSync() {
  const calls: Array<{ done: () => void; fail: (e: Error) => void }> = [];
  return {
    calls,
    sync: () => new Promise<void>((done, fail) => calls.push({ done, fail })),
  };
}

const tick = () => new Promise((r) => setImmediate(r));

function makeSync(sync: () => Promise<void>, released?: () => void) {
  return createGroupSync({
    sync,
    failed: (cause) => Object.assign(new Error('failed'), { cause }),
    closed: () => new Error('closed'),
    ...(released ? { release: async () => released() } : {}),
  });
}

describe('group sync', () => {
  it('does not let a sync that began before a call cover it, and covers everyone who called meanwhile with one more', async () => {
    const c = controlledSync();
    const g = makeSync(c.sync);
    const settled: string[] = [];
    const first = g.durable().then(() => settled.push('first'));
    await tick();
    assert.equal(c.calls.length, 1);
    const later = Array.from({ length: 5 }, (_, i) => g.durable().then(() => settled.push(`later${i}`)));
    await tick();
    // The five arrived while the first sync ran: none is settled, none started a sync of its own.
    assert.equal(c.calls.length, 1);
    c.calls[0]!.done();
    await first;
    await tick();
    assert.deepEqual(settled, ['first']);
    assert.equal(c.calls.length, 2);
    c.calls[1]!.done();
    await Promise.all(later);
    assert.equal(settled.length, 6);
    assert.equal(g.syncs, 2);
  });

  it('rejects the waiters of a failed sync, those queued behind it and every later call', async () => {
    const c = controlledSync();
    const g = makeSync(c.sync);
    const a = g.durable();
    await tick();
    const b = g.durable();
    c.calls[0]!.fail(new Error('EIO'));
    await assert.rejects(a, (e: Error) => e.message === 'failed' && (e.cause as Error).message === 'EIO');
    await assert.rejects(b, /failed/);
    await assert.rejects(g.durable(), /failed/);
    assert.equal(c.calls.length, 1);
  });

  it('waits for the syncs in flight and queued when closed, then releases and refuses new calls', async () => {
    const c = controlledSync();
    let released = false;
    const g = makeSync(c.sync, () => (released = true));
    const a = g.durable();
    await tick();
    const b = g.durable();
    const closed = g.close();
    c.calls[0]!.done();
    await a;
    await tick();
    assert.equal(released, false);
    c.calls[1]!.done();
    await b;
    await closed;
    assert.equal(released, true);
    await assert.rejects(g.durable(), /closed/);
  });
});
