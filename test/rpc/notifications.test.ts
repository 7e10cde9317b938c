import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import { DcrdClient } from '../../src/rpc/dcrd.ts';
import { parseDcrdNotification } from '../../src/rpc/notifications.ts';
import { FakeNode, loadFixtures } from '../helpers/fake-node.ts';

const fx = loadFixtures('dcrd');
const recorded = fx.notifications;

describe('dcrd notifications, parsed from recorded ones', () => {
  it('blockconnected gives the decoded header, its hash and height', () => {
    const n = parseDcrdNotification('blockconnected', recorded['blockconnected']!);
    assert.equal(n?.event, 'blockConnected');
    if (n?.event !== 'blockConnected') return;
    assert.equal(n.data.height, n.data.header.height);
    assert.match(n.data.hash, /^[0-9a-f]{64}$/);
    assert.deepEqual(n.data.filteredTxs, []);
  });

  it('winningtickets gives the block, height and the tickets as a list', () => {
    const n = parseDcrdNotification('winningtickets', recorded['winningtickets']!);
    assert.equal(n?.event, 'winningTickets');
    if (n?.event !== 'winningTickets') return;
    assert.equal(n.data.height, 161);
    assert.equal(n.data.tickets.length, 5);
  });

  it('newtickets gives the stake difficulty in atoms', () => {
    const n = parseDcrdNotification('newtickets', recorded['newtickets']!);
    assert.equal(n?.event, 'newTickets');
    if (n?.event !== 'newTickets') return;
    assert.equal(n.data.stakeDifficulty, 20000n);
    assert.deepEqual(n.data.tickets, []);
  });

  it('blockdisconnected reuses the header decoding', () => {
    const n = parseDcrdNotification('blockdisconnected', [recorded['blockconnected']![0]]);
    assert.equal(n?.event, 'blockDisconnected');
  });

  for (const [method, params] of [
    ['blockconnected', ['zz']],
    ['blockconnected', ['00']],
    ['winningtickets', ['hash', 'x', {}]],
    ['winningtickets', ['hash', 1, { 0: 5 }]],
    ['newtickets', ['hash', 1, 'x', []]],
    ['somethingelse', []],
  ] as const) {
    it(`a malformed or unknown ${method} is undefined, not an exception`, () => {
      assert.equal(parseDcrdNotification(method, params), undefined);
    });
  }
});

describe('DcrdClient emits typed notification events', () => {
  let node: FakeNode;
  let c: DcrdClient;
  before(async () => {
    node = await FakeNode.start({ replies: fx.replies });
    c = new DcrdClient({
      url: node.url,
      user: node.user,
      pass: node.pass,
      net: netParams('simnet'),
      reconnect: false,
    });
    await c.connect();
  });
  after(async () => {
    c.close();
    await node.close();
  });

  it('winningTickets and blockConnected arrive as events', async () => {
    const win = once(c, 'winningTickets');
    node.notify('winningtickets', recorded['winningtickets']!);
    const [w] = (await win) as [{ height: number; tickets: string[] }];
    assert.equal(w.tickets.length, 5);
    const conn = once(c, 'blockConnected');
    node.notify('blockconnected', recorded['blockconnected']!);
    const [b] = (await conn) as [{ height: number }];
    assert.ok(b.height > 0);
  });
});
