import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WalletClient } from '../../src/rpc/wallet.ts';
import { RpcConnectionError, RpcError } from '../../src/rpc/errors.ts';
import { votingWalletOf, VspVotingWallets } from '../../src/voting/vsp-wallets.ts';
import type { TicketForWallets } from '../../src/voting/vsp-wallets.ts';
import { callsOf, fakeWallet, newHash, recordingLog } from '../chain/fakes.ts';

const mined = { blockHash: newHash(), hex: 'tickethex' };

function ticketFor(extra: Partial<TicketForWallets> = {}): TicketForWallets {
  return {
    hash: newHash(),
    votingWif: 'PsVotingWif',
    voteChoices: { treasury: 'yes', reverttreasurypolicy: 'no' },
    tspendPolicy: { ['aa'.repeat(32)]: 'no' },
    treasuryPolicy: { ['02' + 'bb'.repeat(32)]: 'yes' },
    ...extra,
  };
}

describe('VspVotingWallets', () => {
  it('adds the ticket, its choices and policies to every wallet that is up', async () => {
    const [w1, w2, down] = [fakeWallet('w1'), fakeWallet('w2'), fakeWallet('w3')];
    down.up = false;
    const wallets = new VspVotingWallets([w1, w2, down]);
    const t = ticketFor();
    const r = await wallets.addTicketToWallets(t, mined);
    assert.deepEqual(r.added.sort(), ['w1', 'w2']);
    assert.deepEqual(r.skipped, ['w3']);
    assert.deepEqual(r.failed, []);
    for (const w of [w1, w2]) {
      assert.deepEqual(
        w.calls.map((c) => c.method),
        [
          'importPrivKey',
          'addTransaction',
          'setVoteChoice',
          'setVoteChoice',
          'setTSpendPolicy',
          'setTreasuryPolicy',
        ],
      );
      assert.deepEqual(callsOf(w, 'importPrivKey'), [['PsVotingWif', 'imported', false, 0]]);
      assert.deepEqual(callsOf(w, 'addTransaction'), [[mined.blockHash, 'tickethex']]);
      assert.deepEqual(callsOf(w, 'setVoteChoice'), [
        ['treasury', 'yes', t.hash],
        ['reverttreasurypolicy', 'no', t.hash],
      ]);
      assert.deepEqual(callsOf(w, 'setTSpendPolicy'), [['aa'.repeat(32), 'no', t.hash]]);
      assert.deepEqual(callsOf(w, 'setTreasuryPolicy'), [['02' + 'bb'.repeat(32), 'yes', t.hash]]);
    }
    assert.deepEqual(down.calls, []);
  });

  it('reports a wallet whose import fails without holding back the others', async () => {
    const [bad, good] = [fakeWallet('bad'), fakeWallet('good')];
    bad.fail['importPrivKey'] = () => new RpcConnectionError('wallet bad: not connected');
    const log = recordingLog();
    const r = await new VspVotingWallets([bad, good], { log }).addTicketToWallets(
      ticketFor(),
      mined,
    );
    assert.deepEqual(r.added, ['good']);
    assert.equal(r.failed.length, 1);
    assert.equal(r.failed[0]!.wallet, 'bad');
    assert.deepEqual(callsOf(bad, 'addTransaction'), []);
    assert.ok(
      log.lines.some((l) => l.level === 'error' && (l.obj as { wallet?: string }).wallet === 'bad'),
    );
  });

  it('counts a wallet whose addtransaction fails as failed', async () => {
    const w = fakeWallet('w');
    w.fail['addTransaction'] = () => new RpcError(-4, 'unknown block', 'addtransaction');
    const r = await new VspVotingWallets([w]).addTicketToWallets(ticketFor(), mined);
    assert.deepEqual(r.added, []);
    assert.equal(r.failed.length, 1);
    assert.deepEqual(callsOf(w, 'setVoteChoice'), []);
  });

  it('collects unknown agendas and keeps going when a setting fails', async () => {
    const w = fakeWallet('w');
    w.fail['setVoteChoice'] = ([agenda]) =>
      agenda === 'treasury'
        ? new RpcError(-8, `no agenda with ID "treasury"`, 'setvotechoice')
        : undefined;
    w.fail['setTSpendPolicy'] = () => new RpcError(-8, 'bad', 'settspendpolicy');
    const r = await new VspVotingWallets([w]).addTicketToWallets(ticketFor(), mined);
    assert.deepEqual(r.added, ['w']);
    assert.deepEqual(r.invalidAgendas, ['treasury']);
    assert.equal(callsOf(w, 'setTreasuryPolicy').length, 1);
  });

  it('refuses a ticket without a voting key', async () => {
    const w = fakeWallet('w');
    const r = await new VspVotingWallets([w]).addTicketToWallets(
      ticketFor({ votingWif: '' }),
      mined,
    );
    assert.equal(r.failed.length, 1);
    assert.deepEqual(w.calls, []);
  });

  it('applySettings can push only some keys', async () => {
    const w = fakeWallet('w');
    const t = ticketFor();
    await new VspVotingWallets([w]).applySettings(w, t, {
      agendas: ['reverttreasurypolicy'],
      tspends: [],
      keys: [],
    });
    assert.deepEqual(
      w.calls.map((c) => c.method),
      ['setVoteChoice'],
    );
  });

  it('connected() lists the wallets that are up, as src/vsp expects', async () => {
    const [a, b] = [fakeWallet('a'), fakeWallet('b')];
    b.up = false;
    const wallets = new VspVotingWallets([a, b]);
    const { online, total } = await wallets.connected();
    assert.deepEqual(
      online.map((w) => w.name),
      ['a'],
    );
    assert.equal(total, 2);
  });
});

describe('votingWalletOf', () => {
  it('maps the calls onto a WalletClient', async () => {
    const calls: unknown[][] = [];
    const record =
      (name: string) =>
      (...args: unknown[]) => {
        calls.push([name, ...args]);
        return Promise.resolve(name === 'ticketInfo' ? [] : null);
      };
    let ready = false;
    const client = {
      importPrivKey: record('importPrivKey'),
      addTransaction: record('addTransaction'),
      setVoteChoice: record('setVoteChoice'),
      setTSpendPolicy: record('setTSpendPolicy'),
      setTreasuryPolicy: record('setTreasuryPolicy'),
      ticketInfo: record('ticketInfo'),
      rescanWallet: record('rescanWallet'),
      rpc: {
        name: 'wallet x',
        get isReady() {
          return ready;
        },
        call: (method: string, params: unknown[]) => {
          calls.push(['call', method, params]);
          return Promise.resolve({ policy: 'yes' });
        },
      },
    } as unknown as WalletClient;
    const w = votingWalletOf(client);
    assert.equal(w.name, 'wallet x');
    assert.equal(w.isReady(), false);
    ready = true;
    assert.equal(w.isReady(), true);
    await w.client.importPrivKey('wif', 'imported', false, 0);
    await w.client.rescanWallet(12);
    assert.equal(await w.client.treasuryPolicy!('key', 'tkt'), 'yes');
    assert.equal(await w.client.tspendPolicy!('tsp', 'tkt'), 'yes');
    assert.deepEqual(calls[0], ['importPrivKey', 'wif', 'imported', false, 0]);
    assert.equal(calls[1]![0], 'rescanWallet');
    assert.equal(calls[1]![1], 12);
    assert.ok((calls[1]![2] as { timeoutMs: number }).timeoutMs >= 60_000);
    assert.deepEqual(calls[2], ['call', 'treasurypolicy', ['key', 'tkt']]);
    assert.deepEqual(calls[3], ['call', 'tspendpolicy', ['tsp', 'tkt']]);
  });
});
