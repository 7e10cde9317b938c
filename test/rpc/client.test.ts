// RpcClient's connection behaviour against the fake node: replies and error replies, per-call
// timeouts and aborts, refused and vanished servers, bad credentials, notifications, reconnecting
// with backoff (re-running onConnect, so subscriptions are renewed), and close(). Timeouts are
// short so the suite is quick; the assertions are on outcomes and event order, never on durations.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { netParams } from '../../src/dcr/params.ts';
import { RpcClient } from '../../src/rpc/client.ts';
import type { RpcClientOptions, RpcLogger } from '../../src/rpc/client.ts';
import { DcrdClient } from '../../src/rpc/dcrd.ts';
import { RpcConnectionError, RpcError, RpcSetupError } from '../../src/rpc/errors.ts';
import { FakeNode, FakeRpcError, loadFixtures, NO_REPLY } from '../helpers/fake-node.ts';

const SIMNET = netParams('simnet');
const dcrdFx = loadFixtures('dcrd');

/** Clients made by a test, closed after it whatever happened. */
const open: { close(): void }[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

/** Where a client connects: a FakeNode, or an address where nothing (useful) listens. */
interface Target {
  url: string;
  user: string;
  pass: string;
}

function rpc(target: Target, options: Partial<RpcClientOptions> = {}): RpcClient {
  const c = new RpcClient({
    url: target.url,
    user: target.user,
    pass: target.pass,
    name: 'node',
    callTimeoutMs: 1_000,
    connectTimeoutMs: 1_000,
    reconnect: { initialDelayMs: 5, maxDelayMs: 40 },
    ...options,
  });
  open.push(c);
  return c;
}

/** A port nothing listens on (a server was there a moment ago). */
async function deadPort(): Promise<number> {
  const n = await FakeNode.start();
  const port = n.port;
  await n.close();
  return port;
}

/** Records everything the client emits, in order. */
function recordEvents(c: RpcClient): string[] {
  const events: string[] = [];
  c.on('ready', () => events.push('ready'));
  c.on('disconnected', () => events.push('disconnected'));
  c.on('setupError', () => events.push('setupError'));
  return events;
}

/** A logger that keeps the reconnect delays the client schedules. */
function delayLogger(): { logger: RpcLogger; delays: number[] } {
  const delays: number[] = [];
  const noop = (): void => {};
  const logger: RpcLogger = {
    debug: (obj, msg) => {
      if (msg === 'rpc reconnecting') delays.push((obj as { delayMs: number }).delayMs);
    },
    info: noop,
    warn: noop,
    error: noop,
  };
  return { logger, delays };
}

describe('RpcClient calls', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({
      handlers: {
        echo: (params) => params,
        fail: () => {
          throw new FakeRpcError(-5, 'No information available about transaction 00');
        },
      },
    });
  });
  after(() => node.close());

  it('connects lazily, sends JSON-RPC 1.0 with increasing numeric ids, returns results', async () => {
    const c = rpc(node);
    assert.equal(c.isReady, false);
    assert.deepEqual(await c.call('echo', [1, 'two', { three: 3 }]), [1, 'two', { three: 3 }]);
    assert.equal(c.isReady, true);
    assert.deepEqual(await c.call('echo'), []);
    const ids = node
      .calls('echo')
      .slice(-2)
      .map((r) => r.id);
    assert.ok(ids.every((id) => typeof id === 'number'));
    assert.ok((ids[1] as number) > (ids[0] as number));
  });

  it('answers concurrent calls by id, whatever order the replies come in', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    node.handle('slow', async () => {
      await gate;
      return 'slow';
    });
    const c = rpc(node);
    const slow = c.call('slow');
    await node.waitForRequest('slow');
    assert.deepEqual(await c.call('echo', ['fast']), ['fast']);
    release();
    assert.equal(await slow, 'slow');
  });

  it("an error reply is an RpcError with the node's code and message", async () => {
    const c = rpc(node);
    await assert.rejects(c.call('fail'), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, -5);
      assert.equal(e.method, 'fail');
      assert.equal(e.nodeMessage, 'No information available about transaction 00');
      assert.equal(e.message, 'fail: No information available about transaction 00 (code -5)');
      return true;
    });
    assert.equal(c.isReady, true, 'an error reply leaves the connection up');
  });

  it('ignores messages that are not JSON or answer no pending call', async () => {
    const c = rpc(node);
    await c.connect();
    node.broadcast('not json');
    node.broadcast(JSON.stringify({ id: 999_999, result: 'stray', error: null }));
    node.broadcast(JSON.stringify({ id: 'x', result: 'stray', error: null }));
    assert.deepEqual(await c.call('echo', ['still fine']), ['still fine']);
  });
});

describe('RpcClient timeouts and aborts', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ handlers: { echo: (p) => p, hang: () => NO_REPLY } });
  });
  after(() => node.close());

  it('a call with no reply fails with RpcConnectionError after its timeout', async () => {
    const c = rpc(node);
    await c.connect();
    await assert.rejects(c.call('hang', [], { timeoutMs: 30 }), (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.equal(e.message, 'node: hang: timed out after 30 ms');
      return true;
    });
    assert.deepEqual(await c.call('echo', [1]), [1], 'the connection stays usable');
  });

  it('the default timeout is callTimeoutMs', async () => {
    const c = rpc(node, { callTimeoutMs: 25 });
    await assert.rejects(c.call('hang'), /node: hang: timed out after 25 ms/);
  });

  it('a reply arriving after the timeout is dropped', async () => {
    let reply: (v: unknown) => void = () => {};
    node.handle('late', () => new Promise((r) => (reply = r)));
    const c = rpc(node);
    await assert.rejects(c.call('late', [], { timeoutMs: 20 }), RpcConnectionError);
    reply('too late');
    assert.deepEqual(await c.call('echo', ['next']), ['next']);
  });

  it('aborting a sent call fails it with RpcConnectionError', async () => {
    const c = rpc(node);
    await c.connect();
    const ac = new AbortController();
    const n = node.calls('hang').length + 1;
    const p = c.call('hang', [], { signal: ac.signal });
    await node.waitForRequest('hang', n);
    ac.abort();
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.equal(e.message, 'node: hang: aborted');
      return true;
    });
  });

  it('an already aborted signal fails the call without sending it', async () => {
    const c = rpc(node);
    await c.connect();
    const before = node.requests.length;
    await assert.rejects(
      c.call('echo', [], { signal: AbortSignal.abort() }),
      /node: echo: aborted/,
    );
    assert.equal(node.requests.length, before);
  });

  it('aborting while waiting for a connection fails with RpcConnectionError', async () => {
    const c = rpc(node, { url: `ws://127.0.0.1:${await deadPort()}/ws` });
    const ac = new AbortController();
    const p = c.call('echo', [], { signal: ac.signal });
    ac.abort();
    await assert.rejects(p, (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.equal(e.message, 'node: aborted while connecting');
      return true;
    });
  });

  it('a timed-out call leaves no listener on its signal', async () => {
    const c = rpc(node);
    await c.connect();
    const ac = new AbortController();
    let listeners = 0;
    const add = ac.signal.addEventListener.bind(ac.signal);
    const remove = ac.signal.removeEventListener.bind(ac.signal);
    ac.signal.addEventListener = (...args: Parameters<typeof add>) => (listeners++, add(...args));
    ac.signal.removeEventListener = (...args: Parameters<typeof remove>) => (
      listeners--,
      remove(...args)
    );
    await assert.rejects(c.call('hang', [], { signal: ac.signal, timeoutMs: 10 }));
    await c.call('echo', [], { signal: ac.signal });
    assert.equal(listeners, 0);
  });
});

describe('RpcClient without a usable server', () => {
  it('connection refused: calls fail after the wait timeout, saying why', async () => {
    const port = await deadPort();
    const c = rpc(
      { url: `ws://127.0.0.1:${port}/ws`, user: 'u', pass: 'p' },
      {
        callTimeoutMs: 150,
      },
    );
    await assert.rejects(c.call('getinfo'), (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.match(e.message, /^node: not connected after 150 ms: /);
      assert.match(e.message, new RegExp(`ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
      return true;
    });
  });

  it('without reconnecting, a refused connect fails at once', async () => {
    const port = await deadPort();
    const c = rpc(
      { url: `ws://127.0.0.1:${port}/ws`, user: 'u', pass: 'p' },
      {
        reconnect: false,
        callTimeoutMs: 60_000,
      },
    );
    await assert.rejects(c.connect(), /ECONNREFUSED/);
  });

  it('a server that never answers the upgrade fails after connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      const c = rpc(
        { url: `ws://127.0.0.1:${port}/ws`, user: 'u', pass: 'p' },
        {
          connectTimeoutMs: 30,
          reconnect: false,
        },
      );
      await assert.rejects(c.connect(), (e: unknown) => {
        assert.ok(e instanceof RpcConnectionError);
        assert.match(e.message, /^node: .*handshake has timed out/);
        return true;
      });
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it('server gone: disconnected, then calls fail after the wait timeout', async () => {
    const node = await FakeNode.start({ handlers: { echo: (p) => p } });
    const c = rpc(node, { callTimeoutMs: 150 });
    const events = recordEvents(c);
    await c.connect();
    const gone = once(c, 'disconnected');
    await node.close();
    const [err] = (await gone) as [Error];
    assert.ok(err instanceof RpcConnectionError);
    assert.equal(c.isReady, false);
    await assert.rejects(c.call('echo'), (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.match(e.message, /^node: not connected after 150 ms: node: .*ECONNREFUSED/);
      return true;
    });
    assert.deepEqual(events, ['ready', 'disconnected']);
  });

  it('wrong password: RpcSetupError naming the RPC user and password', async () => {
    const node = await FakeNode.start({ handlers: { echo: (p) => p } });
    try {
      const c = rpc(node, { pass: 'wrong', callTimeoutMs: 60_000 });
      await assert.rejects(c.call('echo'), (e: unknown) => {
        assert.ok(e instanceof RpcSetupError);
        assert.match(e.message, /^node: authentication failed \(check the RPC user and password\)/);
        return true;
      });
      assert.ok(node.authFailures >= 1);
      assert.equal(node.connections, 0);
      // dcrd and dcrwallet answer a bad password this way (recorded).
      assert.equal(dcrdFx.authFailure?.httpStatus, 401);
      assert.equal(loadFixtures('wallet').authFailure?.httpStatus, 401);
    } finally {
      await node.close();
    }
  });

  it('wrong user, reconnect off: RpcSetupError too', async () => {
    const node = await FakeNode.start();
    try {
      const c = rpc(node, { user: 'nobody', reconnect: false });
      await assert.rejects(c.connect(), RpcSetupError);
    } finally {
      await node.close();
    }
  });

  it('another HTTP status is a connection error, retried', async () => {
    const node = await FakeNode.start({ handlers: { echo: (p) => p } });
    try {
      node.refuse(503);
      const c = rpc(node, { callTimeoutMs: 60_000 });
      const p = c.call('echo', ['after 503']);
      while (node.upgradeAttempts < 2) await sleep(5);
      node.refuse(undefined);
      assert.deepEqual(await p, ['after 503']);
    } finally {
      await node.close();
    }
  });
});

describe('RpcClient onConnect', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ handlers: { echo: (p) => p, hang: () => NO_REPLY } });
  });
  after(() => node.close());

  it('runs before calls are served, on the new socket', async () => {
    const order: string[] = [];
    const c = rpc(node, {
      onConnect: async (caller) => {
        order.push('onConnect');
        assert.deepEqual(await caller.call('echo', ['check']), ['check']);
        order.push('checked');
      },
    });
    c.on('ready', () => order.push('ready'));
    await c.call('echo', ['user call']);
    order.push('call done');
    assert.deepEqual(order, ['onConnect', 'checked', 'ready', 'call done']);
  });

  it('any error thrown there becomes an RpcSetupError and a setupError event', async () => {
    const c = rpc(node, {
      reconnect: false,
      onConnect: () => Promise.reject(new Error('not the node we want')),
    });
    const events = recordEvents(c);
    await assert.rejects(c.connect(), (e: unknown) => {
      assert.ok(e instanceof RpcSetupError);
      assert.equal(e.message, 'not the node we want');
      return true;
    });
    assert.deepEqual(events, ['setupError']);
  });

  it('a socket dropped during onConnect is retried, not reported as ready', async () => {
    let attempt = 0;
    const c = rpc(node, {
      onConnect: async (caller) => {
        attempt++;
        if (attempt === 1) {
          const n = node.calls('hang').length + 1;
          const p = caller.call('hang');
          await node.waitForRequest('hang', n);
          node.dropAll();
          await p;
        }
      },
    });
    const events = recordEvents(c);
    await c.connect();
    assert.equal(attempt, 2);
    assert.deepEqual(events, ['ready']);
  });
});

describe('RpcClient notifications', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ handlers: { echo: (p) => p } });
  });
  after(() => node.close());

  it('delivers recorded dcrd notifications as events with their params', async () => {
    const c = rpc(node);
    await c.connect();
    const got: [string, unknown[]][] = [];
    c.on('notification', (method, params) => got.push([method, params]));
    const sent = Object.entries(dcrdFx.notifications);
    assert.deepEqual(
      sent.map(([m]) => m),
      ['blockconnected', 'newtickets', 'winningtickets'],
    );
    for (const [method, params] of sent) assert.equal(node.notify(method, params), 1);
    await c.call('echo'); // replies are ordered after the notifications sent before them
    assert.deepEqual(got, sent);
  });

  it('a notification without an id field, or without params, is still one', async () => {
    const c = rpc(node);
    await c.connect();
    const got: [string, unknown[]][] = [];
    c.on('notification', (method, params) => got.push([method, params]));
    node.broadcast(JSON.stringify({ jsonrpc: '1.0', method: 'a', params: [1] }));
    node.broadcast(JSON.stringify({ jsonrpc: '1.0', method: 'b', id: null }));
    await c.call('echo');
    assert.deepEqual(got, [
      ['a', [1]],
      ['b', []],
    ]);
  });
});

describe('RpcClient reconnects', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ replies: dcrdFx.replies });
  });
  after(() => node.close());

  it('after a drop: fails pending calls, re-runs onConnect, emits disconnected then ready', async () => {
    const d = new DcrdClient({
      url: node.url,
      user: node.user,
      pass: node.pass,
      net: SIMNET,
      callTimeoutMs: 2_000,
      reconnect: { initialDelayMs: 5, maxDelayMs: 40 },
      notifyBlocks: true,
      notifyWinningTickets: true,
    });
    open.push(d);
    const events = recordEvents(d.rpc);
    const firstConn = node.connections + 1;
    await d.connect();
    const subscribed = (n: number): string[] =>
      node.requests.filter((r) => r.connection === n).map((r) => r.method);
    assert.deepEqual(subscribed(firstConn), [
      'version',
      'getcurrentnet',
      'getinfo',
      'notifyblocks',
      'notifywinningtickets',
    ]);

    node.hang('getbestblock');
    const pending = d.getBestBlock();
    await node.waitForRequest('getbestblock');
    const ready = once(d.rpc, 'ready');
    node.dropAll();
    await assert.rejects(pending, (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.match(e.message, /^dcrd: getbestblock: .*connection closed/);
      return true;
    });
    await ready;
    node.handle('getbestblock', undefined);

    assert.deepEqual(events, ['ready', 'disconnected', 'ready']);
    assert.equal(node.connections, firstConn + 1);
    // The checks and subscriptions were sent again, on the new socket.
    assert.deepEqual(subscribed(firstConn + 1), subscribed(firstConn).slice(0, 5));
    assert.equal(node.calls('notifyblocks').length, 2);
    assert.deepEqual(await d.getBestBlock(), dcrdFx.replies['getbestblock']?.result);
  });

  it('backs off exponentially up to the maximum, and starts over once connected', async () => {
    const { logger, delays } = delayLogger();
    const c = rpc(node, { reconnect: { initialDelayMs: 2, maxDelayMs: 16 }, logger });
    const events = recordEvents(c);
    await c.connect();
    node.refuse(503);
    const attempts = node.upgradeAttempts;
    node.dropAll();
    while (node.upgradeAttempts < attempts + 6) await sleep(5);
    node.refuse(undefined);
    await once(c, 'ready');
    const schedule = delays.slice(0, 6);
    assert.deepEqual(schedule, [2, 4, 8, 16, 16, 16]);

    // Connected again: the next drop starts from the initial delay.
    delays.length = 0;
    const again = once(c, 'ready');
    node.dropAll();
    await again;
    assert.equal(delays[0], 2);
    assert.deepEqual(events, ['ready', 'disconnected', 'ready', 'disconnected', 'ready']);
  });

  it('a call made while reconnecting waits for the new socket', async () => {
    const c = rpc(node, { callTimeoutMs: 5_000 });
    await c.connect();
    node.refuse(503);
    const gone = once(c, 'disconnected');
    node.dropAll();
    await gone;
    const p = c.call('getblockcount');
    const attempts = node.upgradeAttempts;
    while (node.upgradeAttempts < attempts + 2) await sleep(5);
    node.refuse(undefined);
    assert.equal(await p, dcrdFx.replies['getblockcount']?.result);
  });

  it('with reconnect off, a drop leaves the client idle until the next call', async () => {
    const c = rpc(node, { reconnect: false });
    const events = recordEvents(c);
    await c.connect();
    const conns = node.connections;
    const gone = once(c, 'disconnected');
    node.dropAll();
    await gone;
    assert.equal(node.connections, conns, 'no reconnect by itself');
    assert.equal(await c.call('getblockcount'), dcrdFx.replies['getblockcount']?.result);
    assert.equal(node.connections, conns + 1);
    assert.deepEqual(events, ['ready', 'disconnected', 'ready']);
  });
});

describe('RpcClient close', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ handlers: { echo: (p) => p, hang: () => NO_REPLY } });
  });
  after(() => node.close());

  it('fails pending calls and later ones, and does not reconnect', async () => {
    const c = rpc(node);
    const events = recordEvents(c);
    await c.connect();
    const conns = node.connections;
    const n = node.calls('hang').length + 1;
    const pending = c.call('hang');
    await node.waitForRequest('hang', n);
    c.close();
    await assert.rejects(pending, (e: unknown) => {
      assert.ok(e instanceof RpcConnectionError);
      assert.equal(e.message, 'node: hang: node: client closed');
      return true;
    });
    await assert.rejects(c.call('echo'), /node: client is closed/);
    await assert.rejects(c.connect(), RpcConnectionError);
    assert.equal(c.isReady, false);
    await sleep(50); // several backoff periods
    assert.equal(node.connections, conns);
    assert.deepEqual(events, ['ready'], 'close is not a disconnect');
    c.close(); // twice is fine
  });

  it('stops a reconnect loop and fails callers waiting for a connection', async () => {
    const c = rpc(node, { callTimeoutMs: 60_000 });
    await c.connect();
    node.refuse(503);
    try {
      const gone = once(c, 'disconnected');
      node.dropAll();
      await gone;
      const waiting = c.call('echo');
      const attempts = node.upgradeAttempts;
      while (node.upgradeAttempts < attempts + 2) await sleep(5);
      c.close();
      await assert.rejects(waiting, /node: client closed/);
      const after = node.upgradeAttempts;
      await sleep(50);
      assert.equal(node.upgradeAttempts, after);
    } finally {
      node.refuse(undefined);
    }
  });

  it('closing while the first connect is in progress fails connect()', async () => {
    const c = rpc(node, { onConnect: () => new Promise(() => {}) });
    const p = c.connect();
    await once(node, 'connection');
    c.close();
    await assert.rejects(p, /node: client closed/);
  });
});
