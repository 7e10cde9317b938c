// DcrdClient against a fake node replaying real dcrd 2.1 replies (test/rpc/fixtures/dcrd.json,
// recorded by scripts/record-rpc-fixtures.ts): every wrapper sends the recorded params and decodes
// the recorded reply into its declared type; the node's error replies come out as RpcErrors with
// its code; and checkDcrd refuses a dcrd with the wrong API, network or no txindex.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { netParams } from '../../src/dcr/params.ts';
import {
  DCRD_MIN_API,
  DcrdClient,
  dcrToAtoms,
  describeNet,
  type DcrdClientOptions,
} from '../../src/rpc/dcrd.ts';
import {
  isRpcError,
  ORPHAN_TX_MESSAGE,
  RpcError,
  RpcErrorCode,
  RpcSetupError,
} from '../../src/rpc/errors.ts';
import type { VersionMap } from '../../src/rpc/version.ts';
import { FakeNode, fixture, loadFixtures } from '../helpers/fake-node.ts';

const SIMNET = netParams('simnet');
const MAINNET = netParams('mainnet');
const fx = loadFixtures('dcrd');
const HASH = /^[0-9a-f]{64}$/;
const HEX = /^(?:[0-9a-f]{2})+$/;

function client(node: FakeNode, options: Partial<DcrdClientOptions> = {}): DcrdClient {
  return new DcrdClient({
    url: node.url,
    user: node.user,
    pass: node.pass,
    net: SIMNET,
    callTimeoutMs: 2_000,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
}

/** The recorded params and result of a successful call. */
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
  /** DcrdClient method under test. */
  wrapper: Exclude<keyof DcrdClient, symbol>;
  key: string;
  call(c: DcrdClient, params: unknown[]): Promise<unknown>;
  check(value: unknown, reply: { params: unknown[]; result: unknown }): void;
}

/** For wrappers that return the reply as is: the value equals the recorded result. */
const same = (value: unknown, r: { result: unknown }): void => assert.deepEqual(value, r.result);

const cases: WrapperCase[] = [
  {
    wrapper: 'getBestBlock',
    key: 'getbestblock',
    call: (c) => c.getBestBlock(),
    check: (v, r) => {
      same(v, r);
      const b = v as { hash: unknown; height: unknown };
      assert.match(str(b.hash), HASH);
      assert.ok(Number.isInteger(b.height));
    },
  },
  {
    wrapper: 'getBestBlockHash',
    key: 'getbestblockhash',
    call: (c) => c.getBestBlockHash(),
    check: (v, r) => (same(v, r), assert.match(str(v), HASH)),
  },
  {
    wrapper: 'getBlockCount',
    key: 'getblockcount',
    call: (c) => c.getBlockCount(),
    check: (v, r) => (same(v, r), assert.ok(Number.isInteger(v))),
  },
  {
    wrapper: 'getBlockHash',
    key: 'getblockhash',
    call: (c, p) => c.getBlockHash(num(p[0])),
    check: (v, r) => (same(v, r), assert.match(str(v), HASH)),
  },
  {
    wrapper: 'getBlockHex',
    key: 'getblock#hex',
    call: (c, p) => c.getBlockHex(str(p[0])),
    check: (v, r) => (same(v, r), assert.match(str(v), HEX)),
  },
  {
    wrapper: 'getBlock',
    key: 'getblock',
    call: (c, p) => c.getBlock(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const b = v as { hash: string; height: number; tx?: unknown[]; stx?: unknown[] };
      assert.equal(b.hash, r.params[0]);
      assert.ok((b.tx?.length ?? 0) > 0 && b.tx?.every((t) => HASH.test(str(t))));
      assert.ok((b.stx?.length ?? 0) > 0, 'the tip block carries stake transactions');
    },
  },
  {
    wrapper: 'getBlock',
    key: 'getblock#verbosetx',
    call: (c, p) => c.getBlock(str(p[0]), true),
    check: (v, r) => {
      same(v, r);
      const b = v as { rawtx?: { txid: string; vin: { coinbase?: string }[] }[] };
      assert.ok(b.rawtx !== undefined && b.rawtx.length > 0);
      assert.match(str(b.rawtx[0]?.vin[0]?.coinbase), HEX);
    },
  },
  {
    wrapper: 'getBlockHeader',
    key: 'getblockheader',
    call: (c, p) => c.getBlockHeader(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const h = v as { hash: string; height: number; sbits: number; previousblockhash?: string };
      assert.equal(h.hash, r.params[0]);
      assert.equal(h.height, ok('getblockhash').params[0]);
      assert.equal(typeof h.sbits, 'number');
      assert.match(str(h.previousblockhash), HASH);
    },
  },
  {
    wrapper: 'getBlockHeaderHex',
    key: 'getblockheader#hex',
    call: (c, p) => c.getBlockHeaderHex(str(p[0])),
    // A serialized header is 180 bytes, and the block starts with it.
    check: (v, r) => {
      same(v, r);
      assert.equal(str(v).length, 360);
      assert.ok(str(ok('getblock#hex').result).startsWith(str(v)));
    },
  },
  {
    wrapper: 'getRawTransaction',
    key: 'getrawtransaction',
    call: (c, p) => c.getRawTransaction(str(p[0])),
    check: (v, r) => (same(v, r), assert.match(str(v), HEX)),
  },
  {
    wrapper: 'getRawTransactionVerbose',
    key: 'getrawtransaction#verbose',
    call: (c, p) => c.getRawTransactionVerbose(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const tx = v as {
        txid: string;
        hex: string;
        vin: { stakebase?: string; txid?: string; amountin: number }[];
        vout: { value: number; scriptPubKey: { type: string } }[];
        blockheight?: number;
      };
      assert.equal(tx.txid, r.params[0]);
      assert.equal(tx.hex, ok('getrawtransaction').result);
      // A vote: stakebase first, then the ticket it spends.
      assert.match(str(tx.vin[0]?.stakebase), HEX);
      assert.match(str(tx.vin[1]?.txid), HASH);
      assert.ok(tx.vout.every((o) => typeof o.value === 'number'));
      assert.ok(Number.isInteger(tx.blockheight));
    },
  },
  {
    wrapper: 'sendRawTransaction',
    key: 'sendrawtransaction',
    call: (c, p) => c.sendRawTransaction(str(p[0]), p[1] as boolean),
    check: (v, r) => (same(v, r), assert.match(str(v), HASH)),
  },
  {
    wrapper: 'existsLiveTickets',
    key: 'existslivetickets',
    call: (c, p) => c.existsLiveTickets(p[0] as string[]),
    check: (v, r) => {
      const tickets = r.params[0] as string[];
      const bits = Buffer.from(str(r.result), 'hex');
      assert.equal(bits.length, Math.ceil(tickets.length / 8));
      // Recorded as nine live tickets, then a spent one and an unknown hash.
      assert.deepEqual(v, [...Array<boolean>(9).fill(true), false, false]);
      assert.deepEqual(
        v,
        tickets.map((_, i) => ((bits[i >> 3]! >> (i & 7)) & 1) === 1),
      );
    },
  },
  {
    wrapper: 'existsLiveTicket',
    key: 'existsliveticket',
    call: (c, p) => c.existsLiveTicket(str(p[0])),
    check: (v) => assert.equal(v, true),
  },
  {
    wrapper: 'existsLiveTicket',
    key: 'existsliveticket#spent',
    call: (c, p) => c.existsLiveTicket(str(p[0])),
    check: (v) => assert.equal(v, false),
  },
  {
    wrapper: 'getStakeDifficulty',
    key: 'getstakedifficulty',
    call: (c) => c.getStakeDifficulty(),
    check: (v, r) => {
      const dcr = r.result as { current: number; next: number };
      const atoms = v as { current: bigint; next: bigint };
      assert.equal(typeof atoms.current, 'bigint');
      assert.equal(typeof atoms.next, 'bigint');
      assert.deepEqual(atoms, {
        current: BigInt(Math.round(dcr.current * 1e8)),
        next: BigInt(Math.round(dcr.next * 1e8)),
      });
      assert.equal(atoms.current, 20_000n, "simnet's minimum ticket price, 0.0002 DCR");
    },
  },
  {
    wrapper: 'getCFilterV2',
    key: 'getcfilterv2',
    call: (c, p) => c.getCFilterV2(str(p[0])),
    check: (v, r) => {
      same(v, r);
      const f = v as { blockhash: string; data: string; proofindex: number };
      assert.equal(f.blockhash, r.params[0]);
      assert.match(f.data, HEX);
      assert.equal(typeof f.proofindex, 'number');
    },
  },
  {
    wrapper: 'ticketsForAddress',
    key: 'ticketsforaddress',
    call: (c, p) => c.ticketsForAddress(str(p[0])),
    check: (v, r) => {
      assert.deepEqual(v, (r.result as { tickets: string[] }).tickets);
      assert.ok(v.length > 0);
    },
  },
  {
    wrapper: 'ticketsForAddress',
    key: 'ticketsforaddress#none',
    call: (c, p) => c.ticketsForAddress(str(p[0])),
    check: (v) => assert.deepEqual(v, []),
  },
  {
    wrapper: 'liveTickets',
    key: 'livetickets',
    call: (c) => c.liveTickets(),
    check: (v, r) => {
      assert.deepEqual(v, (r.result as { tickets: string[] }).tickets);
      assert.ok(v.every((t) => HASH.test(t)));
    },
  },
  {
    wrapper: 'getBlockSubsidy',
    key: 'getblocksubsidy',
    call: (c, p) => c.getBlockSubsidy(num(p[0]), num(p[1])),
    check: (v, r) => {
      same(v, r);
      const s = v as { developer: number; pos: number; pow: number; total: number };
      // Atoms, as integers; the total is the sum of the parts (the treasury's is `developer`).
      for (const n of Object.values(s)) assert.ok(Number.isSafeInteger(n));
      assert.equal(s.total, s.developer + s.pos + s.pow);
    },
  },
  {
    wrapper: 'getVoteInfo',
    key: 'getvoteinfo',
    call: (c, p) => c.getVoteInfo(num(p[0])),
    check: (v, r) => {
      same(v, r);
      assert.ok(Array.isArray((v as { agendas?: unknown }).agendas));
    },
  },
  {
    wrapper: 'getBlockchainInfo',
    key: 'getblockchaininfo',
    call: (c) => c.getBlockchainInfo(),
    check: (v, r) => (same(v, r), assert.equal((v as { chain: unknown }).chain, 'simnet')),
  },
  {
    wrapper: 'notifyBlocks',
    key: 'notifyblocks',
    call: (c) => c.notifyBlocks(),
    check: (v) => assert.equal(v, null),
  },
  {
    wrapper: 'notifyWinningTickets',
    key: 'notifywinningtickets',
    call: (c) => c.notifyWinningTickets(),
    check: (v) => assert.equal(v, null),
  },
  {
    wrapper: 'notifyNewTickets',
    key: 'notifynewtickets',
    call: (c) => c.notifyNewTickets(),
    check: (v) => assert.equal(v, null),
  },
  {
    wrapper: 'rebroadcastWinners',
    key: 'rebroadcastwinners',
    call: (c) => c.rebroadcastWinners(),
    check: (v) => assert.equal(v, null),
  },
  {
    wrapper: 'getInfo',
    key: 'getinfo',
    call: (c) => c.getInfo(),
    check: (v, r) => {
      same(v, r);
      const i = v as { txindex: unknown; blocks: unknown; relayfee: unknown };
      assert.equal(i.txindex, true);
      assert.ok(Number.isInteger(i.blocks));
      assert.equal(typeof i.relayfee, 'number');
    },
  },
  {
    wrapper: 'version',
    key: 'version',
    call: (c) => c.version(),
    check: (v, r) => {
      same(v, r);
      const api = (v as VersionMap)['dcrdjsonrpcapi'];
      assert.deepEqual(
        { major: api?.major, minor: api?.minor, patch: api?.patch },
        { ...DCRD_MIN_API },
      );
    },
  },
  {
    wrapper: 'getCurrentNet',
    key: 'getcurrentnet',
    call: (c) => c.getCurrentNet(),
    check: (v) => assert.equal(v, SIMNET.wireMagic),
  },
  {
    wrapper: 'generate',
    key: 'generate',
    call: (c, p) => c.generate(num(p[0])),
    check: (v, r) => {
      same(v, r);
      assert.equal((v as string[]).length, r.params[0]);
    },
  },
  {
    wrapper: 'regenTemplate',
    key: 'regentemplate',
    call: (c) => c.regenTemplate(),
    check: (v) => assert.equal(v, null),
  },
];

interface ErrorCase {
  key: string;
  code: number;
  call(c: DcrdClient, params: unknown[]): Promise<unknown>;
}

const errorCases: ErrorCase[] = [
  {
    key: 'getrawtransaction#unknown',
    code: RpcErrorCode.NoTxInfo,
    call: (c, p) => c.getRawTransaction(str(p[0])),
  },
  {
    key: 'getblock#unknown',
    code: RpcErrorCode.BlockNotFound,
    call: (c, p) => c.getBlock(str(p[0])),
  },
  {
    key: 'getblockhash#outofrange',
    code: RpcErrorCode.Misc,
    call: (c, p) => c.getBlockHash(num(p[0])),
  },
  {
    key: 'getblockhash#invalidparams',
    code: RpcErrorCode.InvalidParameter,
    call: (c, p) => c.rpc.call('getblockhash', p),
  },
  {
    key: 'nosuchmethod',
    code: RpcErrorCode.MethodNotFound,
    call: (c) => c.rpc.call('nosuchmethod'),
  },
  {
    key: 'existsliveticket#badhash',
    code: RpcErrorCode.Deserialization,
    call: (c, p) => c.existsLiveTicket(str(p[0])),
  },
  {
    key: 'sendrawtransaction#garbage',
    code: RpcErrorCode.Deserialization,
    call: (c, p) => c.sendRawTransaction(str(p[0])),
  },
  {
    key: 'sendrawtransaction#duplicate',
    code: RpcErrorCode.DuplicateTx,
    call: (c, p) => c.sendRawTransaction(str(p[0])),
  },
  {
    key: 'sendrawtransaction#orphan',
    code: RpcErrorCode.Misc,
    call: (c, p) => c.sendRawTransaction(str(p[0])),
  },
];

describe('DcrdClient wrappers decode recorded dcrd replies', () => {
  let node: FakeNode;
  let c: DcrdClient;

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

  it('covers every DcrdClient wrapper', () => {
    const wrappers = Object.getOwnPropertyNames(DcrdClient.prototype).filter(
      (n) => !['constructor', 'connect', 'close'].includes(n),
    );
    const tested = new Set(cases.map((tc) => tc.wrapper));
    assert.deepEqual(
      wrappers.filter((w) => !tested.has(w as Exclude<keyof DcrdClient, symbol>)),
      [],
    );
  });

  it('existsLiveTickets of no tickets asks nothing', async () => {
    const before = node.requests.length;
    assert.deepEqual(await c.existsLiveTickets([]), []);
    assert.equal(node.requests.length, before);
  });

  it('ticketsForAddress and liveTickets treat a null list as empty', async () => {
    node.answer('ticketsforaddress', { tickets: null });
    node.answer('livetickets', { tickets: null });
    try {
      assert.deepEqual(await c.ticketsForAddress('SsAnyAddress'), []);
      assert.deepEqual(await c.liveTickets(), []);
    } finally {
      node.handle('ticketsforaddress', undefined);
      node.handle('livetickets', undefined);
    }
  });

  it('sendRawTransaction passes allowHighFees', async () => {
    node.handle('sendrawtransaction', (params) => params[1]);
    try {
      assert.equal(await c.sendRawTransaction('00', true), true);
      assert.equal(await c.sendRawTransaction('00'), false);
    } finally {
      node.handle('sendrawtransaction', undefined);
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
          assert.ok(isRpcError(e, ec.code));
          assert.equal(e.code, r.error!.code);
          assert.equal(e.method, method);
          assert.equal(e.nodeMessage, r.error!.message);
          assert.equal(e.message, `${method}: ${r.error!.message} (code ${r.error!.code})`);
          return true;
        });
      } finally {
        node.handle(method, undefined);
      }
    });
  }

  it("the orphan reply matches ORPHAN_TX_MESSAGE, other rejections don't", () => {
    const msg = (k: string): string => fixture(fx, k).error?.message ?? '';
    assert.match(msg('sendrawtransaction#orphan'), ORPHAN_TX_MESSAGE);
    assert.doesNotMatch(msg('sendrawtransaction#duplicate'), ORPHAN_TX_MESSAGE);
  });
});

describe('dcrToAtoms', () => {
  it('rounds away float error', () => {
    assert.equal(dcrToAtoms(0.0002), 20_000n);
    assert.equal(dcrToAtoms(0.29), 29_000_000n); // 0.29 * 1e8 = 28999999.999999996
    assert.equal(dcrToAtoms(1.1), 110_000_000n); // 1.1 * 1e8 = 110000000.00000001
    assert.equal(dcrToAtoms(21e6), 2_100_000_000_000_000n);
    assert.equal(dcrToAtoms(0), 0n);
  });
});

describe('describeNet', () => {
  it('names known networks and shows the magic', () => {
    assert.equal(describeNet(SIMNET.wireMagic), 'simnet (0x12141c16)');
    assert.equal(describeNet(MAINNET.wireMagic), 'mainnet (0xd9b400f9)');
    assert.equal(describeNet(0x1234), 'an unknown network (0x00001234)');
  });
});

describe('checkDcrd on connect', () => {
  let node: FakeNode;
  before(async () => {
    node = await FakeNode.start({ replies: fx.replies });
  });
  after(() => node.close());

  /** Connect with `method` answered by `result` instead of the recorded reply. */
  async function connectWith(
    overrides: Record<string, unknown>,
    options: Partial<DcrdClientOptions> = {},
  ): Promise<{ error: unknown; setupErrors: Error[]; methods: string[] }> {
    for (const [m, r] of Object.entries(overrides)) node.answer(m, r);
    const c = client(node, { reconnect: false, ...options });
    const setupErrors: Error[] = [];
    c.rpc.on('setupError', (e) => setupErrors.push(e));
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
    return { error, setupErrors, methods: node.requests.slice(before).map((r) => r.method) };
  }

  function withApi(major: number, minor: number, patch = 0): VersionMap {
    const v = structuredClone(ok('version').result) as VersionMap;
    v['dcrdjsonrpcapi'] = { versionstring: `${major}.${minor}.${patch}`, major, minor, patch };
    return v;
  }

  it('accepts the recorded dcrd 2.1 (API 8.3, simnet, txindex)', async () => {
    const r = await connectWith({});
    assert.equal(r.error, undefined);
    assert.deepEqual(r.methods, ['version', 'getcurrentnet', 'getinfo']);
  });

  it('subscribes after the checks', async () => {
    const r = await connectWith(
      {},
      { notifyBlocks: true, notifyWinningTickets: true, notifyNewTickets: true },
    );
    assert.equal(r.error, undefined);
    assert.deepEqual(r.methods, [
      'version',
      'getcurrentnet',
      'getinfo',
      'notifyblocks',
      'notifywinningtickets',
      'notifynewtickets',
    ]);
  });

  it('accepts a newer minor or patch API', async () => {
    assert.equal((await connectWith({ version: withApi(8, 4) })).error, undefined);
    assert.equal((await connectWith({ version: withApi(8, 3, 1) })).error, undefined);
  });

  it('refuses API 8.2, naming the version', async () => {
    const r = await connectWith({ version: withApi(8, 2) });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /unsupported JSON-RPC API: dcrdjsonrpcapi is 8\.2\.0/);
    assert.match(r.error.message, /need 8\.x \(≥ 8\.3\.0\)/);
    assert.equal(r.setupErrors[0]?.message, r.error.message, "'setupError' is emitted");
    assert.deepEqual(r.methods, ['version'], 'nothing else is asked');
  });

  it('refuses another major API version', async () => {
    const r = await connectWith({ version: withApi(9, 0) });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /dcrdjsonrpcapi is 9\.0\.0/);
  });

  it('refuses a version reply without the API entry', async () => {
    const r = await connectWith({ version: {} });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /no "dcrdjsonrpcapi" entry/);
  });

  it('refuses a dcrd on another network, naming both', async () => {
    const r = await connectWith({ getcurrentnet: MAINNET.wireMagic });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /running on mainnet \(0xd9b400f9\), expected simnet/);
  });

  it('refuses a dcrd without the transaction index', async () => {
    const info = { ...(ok('getinfo').result as object), txindex: false };
    const r = await connectWith({ getinfo: info });
    assert.ok(r.error instanceof RpcSetupError);
    assert.match(r.error.message, /restart dcrd with --txindex/);
  });

  it('accepts a dcrd without txindex when not required, and does not ask', async () => {
    const info = { ...(ok('getinfo').result as object), txindex: false };
    const r = await connectWith({ getinfo: info }, { requireTxIndex: false });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.methods, ['version', 'getcurrentnet']);
  });

  it('a refused dcrd keeps being retried, and is used once fixed', async () => {
    node.answer('version', withApi(8, 2));
    const c = client(node);
    try {
      const setup = once(c.rpc, 'setupError');
      await assert.rejects(c.connect(), RpcSetupError);
      await setup;
      node.handle('version', undefined); // the operator upgrades dcrd
      await once(c.rpc, 'ready');
      assert.equal(await c.getBlockCount(), ok('getblockcount').result);
    } finally {
      c.close();
      node.handle('version', undefined);
    }
  });
});

// Keep the declared reply type honest: a fixture entry is a success or an error, never both.
describe('dcrd fixtures', () => {
  it('every recorded reply is a result or an error', () => {
    for (const [key, r] of Object.entries(fx.replies)) {
      assert.ok(Array.isArray(r.params), key);
      assert.ok('result' in r !== 'error' in r, key);
    }
  });

  it('records the auth failure dcrd answers a wrong password with', () => {
    assert.equal(fx.authFailure?.httpStatus, 401);
  });
});
