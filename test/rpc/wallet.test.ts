// WalletClient against a fake node replaying real dcrwallet replies (test/rpc/fixtures/wallet.json:
// dcrwallet 2.1 customer and voting wallets, dcrwallet 2.0 for the legacy purchase): every wrapper
// sends the recorded params and decodes the recorded reply; error replies come out as RpcErrors;
// and checkWallet refuses wallets with the wrong API version or network.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fromHex, toHex } from '../../src/dcr/bytes.ts';
import { encodeAddress, p2shAddress } from '../../src/dcr/address.ts';
import { netParams } from '../../src/dcr/params.ts';
import { multiSigScript } from '../../src/dcr/script.ts';
import { decodeTx, txid } from '../../src/dcr/tx.ts';
import { decodeWif } from '../../src/dcr/wif.ts';
import { RpcError, RpcErrorCode, RpcSetupError } from '../../src/rpc/errors.ts';
import type { VersionMap } from '../../src/rpc/version.ts';
import {
  WALLET_API_2_0,
  WALLET_API_2_1,
  WalletClient,
  type WalletClientOptions,
} from '../../src/rpc/wallet.ts';
import { FakeNode, fixture, loadFixtures } from '../helpers/fake-node.ts';

const SIMNET = netParams('simnet');
const MAINNET = netParams('mainnet');
const fx = loadFixtures('wallet');
const HASH = /^[0-9a-f]{64}$/;

function client(node: FakeNode, options: Partial<WalletClientOptions> = {}): WalletClient {
  return new WalletClient({
    url: node.url,
    user: node.user,
    pass: node.pass,
    net: SIMNET,
    callTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

function ok(key: string): { params: unknown[]; result: unknown } {
  const r = fixture(fx, key);
  assert.equal(r.error, undefined, `${key} is recorded as a success`);
  return { params: r.params, result: r.result };
}

function str(v: unknown): string {
  assert.equal(typeof v, 'string');
  return v as string;
}

function num(v: unknown): number {
  assert.equal(typeof v, 'number');
  return v as number;
}

interface WrapperCase {
  wrapper: keyof WalletClient;
  key: string;
  call(c: WalletClient, params: unknown[]): Promise<unknown>;
  check(value: unknown, reply: { params: unknown[]; result: unknown }): void;
}

const same = (value: unknown, r: { result: unknown }): void => assert.deepEqual(value, r.result);
const isNull = (value: unknown): void => assert.equal(value, null);

const cases: WrapperCase[] = [
  {
    wrapper: 'syncStatus',
    key: 'syncstatus',
    call: (c) => c.syncStatus(),
    check: (v, r) => (same(v, r), assert.equal((v as { synced: unknown }).synced, true)),
  },
  {
    wrapper: 'getBestBlock',
    key: 'getbestblock',
    call: (c) => c.getBestBlock(),
    check: (v, r) => (same(v, r), assert.match((v as { hash: string }).hash, HASH)),
  },
  {
    wrapper: 'walletInfo',
    key: 'walletinfo',
    call: (c) => c.walletInfo(),
    check: (v, r) => {
      same(v, r);
      const i = v as { daemonconnected: unknown; voteversion: unknown; txfee: unknown };
      assert.equal(i.daemonconnected, true);
      assert.ok(Number.isInteger(i.voteversion));
      assert.equal(typeof i.txfee, 'number');
    },
  },
  {
    wrapper: 'importPrivKey',
    key: 'importprivkey',
    call: (c, p) => c.importPrivKey(str(p[0])),
    check: (v, r) => {
      isNull(v);
      assert.deepEqual(r.params.slice(1), ['imported', false], 'vspd-style label, no rescan');
      decodeWif(str(r.params[0]), SIMNET); // a real simnet WIF was imported
    },
  },
  {
    wrapper: 'importScript',
    key: 'importscript',
    call: (c, p) => c.importScript(str(p[0])),
    check: (v, r) => (isNull(v), assert.equal(r.params[1], false)),
  },
  {
    wrapper: 'addTransaction',
    key: 'addtransaction',
    call: (c, p) => c.addTransaction(str(p[0]), str(p[1])),
    check: isNull,
  },
  {
    wrapper: 'setVoteChoice',
    key: 'setvotechoice',
    call: (c, p) => c.setVoteChoice(str(p[0]), str(p[1])),
    check: isNull,
  },
  {
    wrapper: 'setTSpendPolicy',
    key: 'settspendpolicy',
    call: (c, p) => c.setTSpendPolicy(str(p[0]), str(p[1])),
    check: isNull,
  },
  {
    wrapper: 'setTreasuryPolicy',
    key: 'settreasurypolicy',
    call: (c, p) => c.setTreasuryPolicy(str(p[0]), str(p[1])),
    check: isNull,
  },
  {
    wrapper: 'ticketInfo',
    key: 'ticketinfo',
    call: (c, p) => c.ticketInfo(num(p[0])),
    check: (v, r) => {
      same(v, r);
      const [t] = v as { hash: string; cost: number; status: string; blockheight?: number }[];
      // The customer's ticket, bought just before: not mined yet, reported as immature.
      assert.deepEqual(ok('purchaseticket').result, [t?.hash]);
      assert.equal(t?.status, 'immature');
      assert.equal(t?.blockheight, -1);
      assert.equal(typeof t?.cost, 'number');
    },
  },
  {
    wrapper: 'rescanWallet',
    key: 'rescanwallet',
    call: (c, p) => c.rescanWallet(num(p[0])),
    check: isNull,
  },
  {
    wrapper: 'getMasterPubKey',
    key: 'getmasterpubkey',
    call: (c, p) => c.getMasterPubKey(str(p[0])),
    check: (v, r) => (same(v, r), assert.match(str(v), /^spub/)),
  },
  {
    wrapper: 'validateAddress',
    key: 'validateaddress',
    call: (c, p) => c.validateAddress(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const a = v as { isvalid: boolean; ismine?: boolean; address?: string; pubkey?: string };
      assert.equal(a.isvalid, true);
      assert.equal(a.ismine, true);
      assert.equal(a.address, r.params[0]);
      assert.match(str(a.pubkey), /^0[23][0-9a-f]{64}$/);
    },
  },
  {
    wrapper: 'validateAddress',
    key: 'validateaddress#invalid',
    call: (c, p) => c.validateAddress(str(p[0])),
    check: (v) => assert.equal((v as { isvalid: boolean }).isvalid, false),
  },
  {
    wrapper: 'createMultisig',
    key: 'createmultisig',
    call: (c, p) => c.createMultisig(num(p[0]), p[1] as string[]),
    check: (v, r) => {
      same(v, r);
      // The wallet keeps the keys in the order given, as src/dcr does.
      const m = v as { address: string; redeemScript: string };
      const script = multiSigScript(
        num(r.params[0]),
        (r.params[1] as string[]).map((k) => fromHex(k)),
      );
      assert.equal(m.redeemScript, toHex(script));
      assert.equal(m.address, encodeAddress(p2shAddress(script, SIMNET)));
    },
  },
  {
    wrapper: 'getStakeInfo',
    key: 'getstakeinfo',
    call: (c) => c.getStakeInfo(),
    check: (v, r) => {
      same(v, r);
      const s = v as Record<string, unknown>;
      for (const k of ['blockheight', 'difficulty', 'immature', 'unspent', 'voted', 'revoked'])
        assert.equal(typeof s[k], 'number', k);
    },
  },
  {
    wrapper: 'signRawTransaction',
    key: 'signrawtransaction',
    call: (c, p) => c.signRawTransaction(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const s = v as { hex: string; complete: boolean };
      assert.equal(s.complete, true);
      // The signed transaction is the one dcrd then accepted.
      assert.equal(
        txid(decodeTx(s.hex)),
        fixture(loadFixtures('dcrd'), 'sendrawtransaction').result,
      );
    },
  },
  {
    wrapper: 'purchaseTicket',
    key: 'purchaseticket',
    call: (c, p) => c.purchaseTicket(str(p[0]), num(p[2]), num(p[1])),
    check: (v, r) => {
      same(v, r);
      assert.deepEqual(r.params, ['default', 1, 1], '(account, minconf, numtickets)');
      assert.ok((v as string[]).every((h) => HASH.test(h)));
    },
  },
  {
    wrapper: 'purchaseLegacyPoolTicket',
    key: 'purchaseticket#legacy',
    call: (c, p) =>
      c.purchaseLegacyPoolTicket({
        account: str(p[0]),
        minConf: num(p[2]),
        ticketAddress: str(p[3]),
        numTickets: num(p[4]),
        poolAddress: str(p[5]),
        poolFeePercent: num(p[6]),
      }),
    check: (v, r) => {
      same(v, r);
      assert.equal(r.params[1], 0, 'no spend limit');
      assert.equal((v as string[]).length, r.params[4]);
    },
  },
  {
    wrapper: 'listUnspent',
    key: 'listunspent',
    call: (c, p) => c.listUnspent(num(p[0])),
    check: (v, r) => {
      same(v, r);
      const list = v as { txid: string; vout: number; amount: number; spendable: boolean }[];
      assert.ok(list.length > 0);
      for (const u of list) {
        assert.match(u.txid, HASH);
        assert.ok(Number.isInteger(u.vout));
        assert.equal(typeof u.amount, 'number');
      }
    },
  },
  {
    wrapper: 'getNewAddress',
    key: 'getnewaddress',
    call: (c, p) => c.getNewAddress(str(p[0])),
    check: (v, r) => (same(v, r), assert.match(str(v), /^Ss/)),
  },
  {
    wrapper: 'sendToAddress',
    key: 'sendtoaddress',
    call: (c, p) => c.sendToAddress(str(p[0]), BigInt(Math.round(num(p[1]) * 1e8))),
    check: (v, r) => {
      same(v, r);
      assert.equal(r.params[1], 1, '1e8 atoms are sent as 1 DCR');
    },
  },
  {
    wrapper: 'dumpPrivKey',
    key: 'dumpprivkey',
    call: (c, p) => c.dumpPrivKey(str(p[0])),
    check: (v) => {
      // The key behind the address the wallet validated.
      const { publicKey } = decodeWif(str(v), SIMNET);
      const info = ok('validateaddress').result as { pubkey: string };
      assert.equal(toHex(publicKey), info.pubkey);
    },
  },
  {
    wrapper: 'signMessage',
    key: 'signmessage',
    call: (c, p) => c.signMessage(str(p[0]), str(p[1])),
    check: (v, r) => {
      same(v, r);
      assert.equal(Buffer.from(str(v), 'base64').length, 65, 'a compact signature');
    },
  },
  {
    wrapper: 'getBalance',
    key: 'getbalance',
    call: (c, p) => c.getBalance(str(p[0]), num(p[1])),
    check: (v, r) => {
      const { balances } = r.result as { balances: { accountname: string; spendable: number }[] };
      const dcr = balances.find((b) => b.accountname === r.params[0])?.spendable;
      assert.equal(typeof v, 'bigint');
      assert.equal(v, BigInt(Math.round(num(dcr) * 1e8)));
      assert.equal(v, 10_000_000_000n, "the customer's 100 DCR");
    },
  },
  {
    wrapper: 'walletPassphrase',
    key: 'walletpassphrase',
    call: (c, p) => c.walletPassphrase(str(p[0]), num(p[1])),
    check: isNull,
  },
];

const errorCases: {
  key: string;
  code: number;
  call(c: WalletClient, p: unknown[]): Promise<unknown>;
}[] = [
  {
    key: 'walletpassphrase#wrong',
    code: RpcErrorCode.WalletPassphraseIncorrect,
    call: (c, p) => c.walletPassphrase(str(p[0]), num(p[1])),
  },
  {
    key: 'getnewaddress#unknownaccount',
    code: RpcErrorCode.WalletInvalidAccountName,
    call: (c, p) => c.getNewAddress(str(p[0])),
  },
  {
    key: 'dumpprivkey#notmine',
    code: RpcErrorCode.Wallet,
    call: (c, p) => c.dumpPrivKey(str(p[0])),
  },
  {
    key: 'importprivkey#invalid',
    code: RpcErrorCode.InvalidAddressOrKey,
    call: (c, p) => c.importPrivKey(str(p[0])),
  },
  {
    key: 'setvotechoice#unknownagenda',
    code: RpcErrorCode.Wallet,
    call: (c, p) => c.setVoteChoice(str(p[0]), str(p[1])),
  },
  {
    key: 'addtransaction#garbage',
    code: RpcErrorCode.Deserialization,
    call: (c, p) => c.addTransaction(str(p[0]), str(p[1])),
  },
  {
    key: 'sendtoaddress#insufficient',
    code: RpcErrorCode.WalletInsufficientFunds,
    call: (c, p) => c.sendToAddress(str(p[0]), BigInt(num(p[1])) * 100_000_000n),
  },
];

describe('WalletClient wrappers decode recorded dcrwallet replies', () => {
  let node: FakeNode;
  let c: WalletClient;

  before(async () => {
    node = await FakeNode.start({ replies: fx.replies });
    c = client(node);
    await c.connect();
  });
  after(async () => {
    c.close();
    await node.close();
  });

  for (const tc of cases) {
    it(`${tc.wrapper} (${tc.key})`, async () => {
      const reply = ok(tc.key);
      const before = node.requests.length;
      const value = await tc.call(c, reply.params);
      const sent = node.requests.slice(before);
      assert.equal(sent.length, 1, 'one request per wrapper call');
      assert.deepEqual(
        { method: sent[0]?.method, params: sent[0]?.params },
        { method: tc.key.split('#')[0], params: reply.params },
      );
      tc.check(value, reply);
    });
  }

  it('covers every WalletClient wrapper', () => {
    const wrappers = Object.getOwnPropertyNames(WalletClient.prototype).filter(
      (n) => !['constructor', 'connect', 'close'].includes(n),
    );
    const tested = new Set(cases.map((tc) => tc.wrapper));
    assert.deepEqual(
      wrappers.filter((w) => !tested.has(w as keyof WalletClient)),
      [],
    );
  });

  /** The params a wrapper sends, for the optional arguments the recording did not use. */
  async function paramsOf(method: string, call: () => Promise<unknown>): Promise<unknown[]> {
    node.answer(method, null);
    try {
      const before = node.requests.length;
      await call();
      const [req] = node.requests.slice(before);
      assert.equal(req?.method, method);
      return req.params;
    } finally {
      node.handle(method, undefined);
    }
  }

  it('optional arguments are sent only when given', async () => {
    const t = 'ab'.repeat(32);
    assert.deepEqual(await paramsOf('importprivkey', () => c.importPrivKey('w', 'x', true, 7)), [
      'w',
      'x',
      true,
      7,
    ]);
    assert.deepEqual(await paramsOf('importscript', () => c.importScript('51', true, 9)), [
      '51',
      true,
      9,
    ]);
    assert.deepEqual(await paramsOf('setvotechoice', () => c.setVoteChoice('a', 'yes', t)), [
      'a',
      'yes',
      t,
    ]);
    assert.deepEqual(await paramsOf('settspendpolicy', () => c.setTSpendPolicy(t, 'no', t)), [
      t,
      'no',
      t,
    ]);
    assert.deepEqual(
      await paramsOf('settreasurypolicy', () => c.setTreasuryPolicy('02', 'yes', t)),
      ['02', 'yes', t],
    );
    assert.deepEqual(await paramsOf('rescanwallet', () => c.rescanWallet()), []);
    assert.deepEqual(await paramsOf('getmasterpubkey', () => c.getMasterPubKey()), []);
    assert.deepEqual(
      await paramsOf('signrawtransaction', () => c.signRawTransaction('00', 'ALL')),
      ['00', [], [], 'ALL'],
    );
    assert.deepEqual(await paramsOf('ticketinfo', () => c.ticketInfo()), [0]);
    assert.deepEqual(await paramsOf('purchaseticket', () => c.purchaseTicket()), ['default', 1, 1]);
    assert.deepEqual(
      await paramsOf('sendtoaddress', () => c.sendToAddress('Ss', 12_345_678_901n)),
      ['Ss', 123.45678901],
    );
  });

  it('ticketInfo treats null as no tickets', async () => {
    node.answer('ticketinfo', null);
    try {
      assert.deepEqual(await c.ticketInfo(), []);
    } finally {
      node.handle('ticketinfo', undefined);
    }
  });

  it('getBalance of an account the reply does not list is 0', async () => {
    node.answer('getbalance', ok('getbalance').result);
    try {
      assert.equal(await c.getBalance('savings'), 0n);
    } finally {
      node.handle('getbalance', undefined);
    }
  });

  for (const ec of errorCases) {
    it(`${ec.key} → RpcError ${ec.code}`, async () => {
      const r = fixture(fx, ec.key);
      assert.ok(r.error !== undefined, `${ec.key} is recorded as an error`);
      assert.equal(r.error.code, ec.code, 'the recorded code is the named constant');
      const method = ec.key.split('#')[0]!;
      node.replay(ec.key, r);
      try {
        await assert.rejects(ec.call(c, r.params), (e: unknown) => {
          assert.ok(e instanceof RpcError);
          assert.equal(e.code, r.error!.code);
          assert.equal(e.method, method);
          assert.equal(e.nodeMessage, r.error!.message);
          return true;
        });
      } finally {
        node.handle(method, undefined);
      }
    });
  }
});

describe('checkWallet on connect', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ replies: fx.replies });
  });
  after(() => node.close());

  async function connectWith(
    overrides: Record<string, unknown>,
    options: Partial<WalletClientOptions> = {},
  ): Promise<{ error: unknown; methods: string[] }> {
    for (const [m, r] of Object.entries(overrides)) node.answer(m, r);
    const c = client(node, { reconnect: false, ...options });
    const before = node.requests.length;
    let error: unknown;
    try {
      await c.connect();
    } catch (e) {
      error = e;
    } finally {
      c.close();
      for (const m of Object.keys(overrides)) node.handle(m, undefined);
    }
    return { error, methods: node.requests.slice(before).map((r) => r.method) };
  }

  function withApi(major: number, minor: number, patch = 0): VersionMap {
    const v = structuredClone(ok('version').result) as VersionMap;
    v['dcrwalletjsonrpcapi'] = { versionstring: `${major}.${minor}.${patch}`, major, minor, patch };
    return v;
  }

  it('accepts the recorded dcrwallet 2.1 (API 11.0) on simnet', async () => {
    const r = await connectWith({});
    assert.equal(r.error, undefined);
    assert.deepEqual(r.methods, ['version', 'getcurrentnet']);
    const api = (ok('version').result as VersionMap)['dcrwalletjsonrpcapi'];
    assert.equal(api?.major, WALLET_API_2_1.major);
  });

  it('refuses API 10.x, naming the version', async () => {
    for (const minor of [0, 9]) {
      const r = await connectWith({ version: withApi(10, minor) });
      assert.ok(r.error instanceof RpcSetupError);
      assert.match(r.error.message, new RegExp(`dcrwalletjsonrpcapi is 10\\.${minor}\\.0`));
      assert.match(r.error.message, /need 11\.x \(≥ 11\.0\.0\)/);
    }
  });

  it('refuses the recorded dcrwallet 2.0 (API 9.2) unless 2.0 is accepted', async () => {
    const legacy = ok('version#legacy').result;
    const refused = await connectWith({ version: legacy });
    assert.ok(refused.error instanceof RpcSetupError);
    assert.match(refused.error.message, /dcrwalletjsonrpcapi is 9\.2\.0/);
    const accepted = await connectWith({ version: legacy }, { apiVersions: [WALLET_API_2_0] });
    assert.equal(accepted.error, undefined);
  });

  it('accepts either of several API versions', async () => {
    const both = { apiVersions: [WALLET_API_2_1, WALLET_API_2_0] };
    assert.equal((await connectWith({}, both)).error, undefined);
    const r = await connectWith({ version: withApi(10, 0) }, both);
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /need 11\.x \(≥ 11\.0\.0\) or 9\.x \(≥ 9\.2\.0\)/);
  });

  it('refuses a wallet on another network, naming both', async () => {
    const r = await connectWith({ getcurrentnet: MAINNET.wireMagic });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /^dcrwallet: running on mainnet \(0xd9b400f9\), expected simnet/);
  });
});
