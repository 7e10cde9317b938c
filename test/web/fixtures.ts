// Real Decred objects for the API tests: keys, ticket and parent txs that decodeTx/checkTicket
// accept, fee txs, WIFs and signed-message request signatures; plus narrow fakes of dcrd and the
// voting wallets, an app builder and response checks.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import {
  addressPayScript,
  addressStakeScript,
  commitmentScript,
  decodeTx,
  decodeAddress,
  encodeAddress,
  encodeFeeLimits,
  encodeTx,
  encodeWif,
  ExtendedKey,
  netParams,
  newTxIn,
  p2pkhAddress,
  signMessage,
  toHex,
  txHash,
  txid,
} from '../../src/dcr/index.ts';
import type { Tx } from '../../src/dcr/index.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../src/dcr/secp.ts';
import { RpcError, RpcErrorCode } from '../../src/rpc/errors.ts';
import { build } from '../../src/web/app.ts';
import type { VspApiConfig } from '../../src/web/context.ts';
import { errorInfo } from '../../src/vsp/errors.ts';
import type { ErrorCode } from '../../src/vsp/errors.ts';
import { feeAddressSource } from '../../src/vsp/fee-address.ts';
import type {
  BestBlockHeader,
  RawTx,
  VotingWallet,
  VotingWallets,
  VspDcrd,
} from '../../src/vsp/node.ts';
import { ServerKey } from '../../src/vsp/server-key.ts';
import type { VspTicket } from '../../src/vsp/store.ts';
import { MemoryStore } from '../vsp/memory-store.ts';

export const NET = netParams('testnet3');

export interface Key {
  priv: Uint8Array;
  pub: Uint8Array;
  address: string;
  wif: string;
}

export function newKey(): Key {
  let priv: Uint8Array;
  do priv = randomBytes(32);
  while (!isValidPrivateKey(priv));
  const pub = publicKeyCreate(priv, true);
  return { priv, pub, address: encodeAddress(p2pkhAddress(pub, NET)), wif: encodeWif(priv, NET) };
}

export interface TicketFixture {
  voting: Key;
  commitment: Key;
  ticket: Tx;
  ticketHex: string;
  hash: string;
  parent: Tx;
  parentHex: string;
  parentHash: string;
}

export const TICKET_PRICE = 250_00000000n;

/** A regular parent tx paying `value` to `to`, then a 3-output ticket spending it. */
export function newTicket(opts: { voting?: Key; commitment?: Key } = {}): TicketFixture {
  const voting = opts.voting ?? newKey();
  const commitment = opts.commitment ?? newKey();
  const contribution = TICKET_PRICE + 3000n;
  const parent: Tx = {
    version: 1,
    inputs: [newTxIn(randomBytes(32), 0, 0, { valueIn: contribution + 10_000n })],
    outputs: [
      {
        value: contribution,
        version: 0,
        pkScript: addressPayScript(decodeAddress(commitment.address, NET)),
      },
    ],
    lockTime: 0,
    expiry: 0,
  };
  const commitmentAddr = decodeAddress(commitment.address, NET);
  const ticket: Tx = {
    version: 1,
    inputs: [newTxIn(txHash(parent), 0, 0, { valueIn: contribution })],
    outputs: [
      {
        value: TICKET_PRICE,
        version: 0,
        pkScript: addressStakeScript(decodeAddress(voting.address, NET), 'ticket'),
      },
      {
        value: 0n,
        version: 0,
        pkScript: commitmentScript(commitmentAddr, contribution, encodeFeeLimits(0n, 1n << 24n)),
      },
      { value: 0n, version: 0, pkScript: addressStakeScript(commitmentAddr, 'change') },
    ],
    lockTime: 0,
    expiry: 0,
  };
  return {
    voting,
    commitment,
    ticket,
    ticketHex: toHex(encodeTx(ticket)),
    hash: txid(ticket),
    parent,
    parentHex: toHex(encodeTx(parent)),
    parentHash: txid(parent),
  };
}

/** A fee tx with one input and an output of `amount` to `feeAddress` (plus change). */
export function newFeeTx(feeAddress: string, amount: bigint, extra: Partial<Tx> = {}): string {
  const tx: Tx = {
    version: 1,
    inputs: [newTxIn(randomBytes(32), 1, 0, { valueIn: amount + 1_000_000n })],
    outputs: [
      {
        value: 990_000n,
        version: 0,
        pkScript: addressPayScript(decodeAddress(newKey().address, NET)),
      },
      { value: amount, version: 0, pkScript: addressPayScript(decodeAddress(feeAddress, NET)) },
    ],
    lockTime: 0,
    expiry: 0,
    ...extra,
  };
  return toHex(encodeTx(tx));
}

export const noTxInfo = (method = 'getrawtransaction'): RpcError =>
  new RpcError(RpcErrorCode.NoTxInfo, 'No information available about transaction', method);

export const orphanError = (): RpcError =>
  new RpcError(
    -22,
    'rejected transaction abcd: orphan transaction abcd references output ef01:0 of unknown or fully-spent transaction',
    'sendrawtransaction',
  );

/** A synchronous body as a promise, its throw as a rejection (fakes of async RPCs). */
export function settle<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/** dcrd as the VSP sees it: a tx map, live tickets, a best block, and recorded broadcasts. */
export class FakeDcrd implements VspDcrd {
  readonly txs = new Map<string, RawTx>();
  readonly live = new Set<string>();
  readonly sent: string[] = [];
  readonly calls: string[] = [];
  best: BestBlockHeader = { height: 1_200_000, sbits: 250_00000000n, poolSize: 40960 };
  /** Replace to make a method fail or behave differently. */
  getRawTransactionHook: ((txid: string) => RawTx | undefined | Error) | undefined;
  sendHook: ((hex: string) => Error | undefined) | undefined;
  existsLiveHook: (() => Error | undefined) | undefined;

  add(hex: string, hash: string, confirmations = 0, blockHeight = 0): void {
    this.txs.set(hash, { hex, confirmations, blockHeight });
  }

  getRawTransaction(id: string): Promise<RawTx> {
    return settle(() => {
      this.calls.push(`getrawtransaction ${id}`);
      const hooked = this.getRawTransactionHook?.(id);
      if (hooked instanceof Error) throw hooked;
      if (hooked !== undefined) return hooked;
      const tx = this.txs.get(id);
      if (tx === undefined) throw noTxInfo();
      return { ...tx };
    });
  }

  /** Like dcrd: a tx it accepts is in its mempool afterwards. */
  sendRawTransaction(hex: string): Promise<string> {
    return settle(() => {
      this.calls.push('sendrawtransaction');
      this.sent.push(hex);
      const err = this.sendHook?.(hex);
      if (err !== undefined) throw err;
      const id = txid(decodeTx(hex));
      if (!this.txs.has(id)) this.txs.set(id, { hex, confirmations: 0, blockHeight: 0 });
      return id;
    });
  }

  existsLiveTicket(hash: string): Promise<boolean> {
    return settle(() => {
      this.calls.push(`existsliveticket ${hash}`);
      const err = this.existsLiveHook?.();
      if (err !== undefined) throw err;
      return this.live.has(hash);
    });
  }

  getBestBlockHeader(): Promise<BestBlockHeader> {
    return settle(() => {
      this.calls.push('getbestblockheader');
      return { ...this.best };
    });
  }
}

export interface WalletCall {
  wallet: string;
  method: string;
  args: string[];
}

export class FakeWallets implements VotingWallets {
  readonly calls: WalletCall[] = [];
  online: VotingWallet[];
  total: number;
  failing = new Set<string>();

  constructor(names: string[] = ['wallet-a', 'wallet-b'], total = names.length) {
    this.total = total;
    this.online = names.map((name) => this.#wallet(name));
  }

  #wallet(name: string): VotingWallet {
    const record =
      (method: string) =>
      (...args: string[]): Promise<null> =>
        settle(() => {
          this.calls.push({ wallet: name, method, args });
          if (this.failing.has(name)) throw new Error(`${name} is down`);
          return null;
        });
    return {
      name,
      client: {
        setVoteChoice: record('setvotechoice'),
        setTSpendPolicy: record('settspendpolicy'),
        setTreasuryPolicy: record('settreasurypolicy'),
      },
    };
  }

  connected(): Promise<{ online: readonly VotingWallet[]; total: number }> {
    return Promise.resolve({ online: this.online, total: this.total });
  }
}

export interface LogEntry {
  level: string;
  obj: unknown;
  msg: string | undefined;
}

/** A pino-shaped logger that records what it is given. */
export function captureLogger(entries: LogEntry[]): FastifyBaseLogger {
  const at =
    (level: string) =>
    (obj: unknown, msg?: string): void => {
      entries.push({ level, obj, msg: typeof obj === 'string' ? obj : msg });
    };
  const logger = {
    level: 'trace',
    fatal: at('fatal'),
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    trace: at('trace'),
    silent: at('silent'),
    child: () => logger,
  };
  return logger;
}

export const FEE_XPUB = ExtendedKey.fromSeed(new Uint8Array(32).fill(7), NET).neuter().toString();

export const START_MS = Date.UTC(2026, 0, 1);

export interface Harness {
  app: FastifyInstance;
  store: MemoryStore;
  dcrd: FakeDcrd;
  wallets: FakeWallets;
  serverKey: ServerKey;
  clock: { ms: number };
  logs: LogEntry[];
  config: VspApiConfig;
  sleeps: number[];
}

export function harness(config: Partial<VspApiConfig> = {}): Harness {
  const store = new MemoryStore(FEE_XPUB);
  const dcrd = new FakeDcrd();
  const wallets = new FakeWallets();
  const serverKey = new ServerKey(new Uint8Array(32).fill(1));
  const clock = { ms: START_MS };
  const logs: LogEntry[] = [];
  const sleeps: number[] = [];
  const cfg: VspApiConfig = {
    vspFee: 2,
    vspClosed: false,
    vspClosedMsg: '',
    designation: 'Test VSP',
    version: '0.1.0-test',
    ...config,
  };
  const app = build({
    net: NET,
    config: cfg,
    store,
    dcrd,
    wallets,
    serverKey,
    feeAddresses: feeAddressSource(store, NET),
    log: captureLogger(logs),
    now: () => clock.ms,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  });
  return { app, store, dcrd, wallets, serverKey, clock, logs, config: cfg, sleeps };
}

export interface PostOptions {
  /** Key that signs the body; default none. */
  signer?: Key;
  /** Raw signature header value (overrides signer). */
  signature?: string;
  headers?: Record<string, string>;
}

export function signBody(body: string, key: Key): string {
  return signMessage(body, key.priv);
}

export function post(
  h: Harness,
  path: string,
  body: string | Buffer | Record<string, unknown>,
  opts: PostOptions = {},
): Promise<LightMyRequestResponse> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.signature !== undefined) headers['vsp-client-signature'] = opts.signature;
  else if (opts.signer !== undefined) {
    headers['vsp-client-signature'] = signBody(payload.toString(), opts.signer);
  }
  return h.app.inject({ method: 'POST', url: `/api/v3${path}`, payload, headers });
}

/** The response's VSP-Server-Signature verifies over its exact bytes. */
export function assertServerSigned(res: LightMyRequestResponse, pubkey: Uint8Array): void {
  const sig = res.headers['vsp-server-signature'];
  assert.equal(typeof sig, 'string', 'VSP-Server-Signature header present');
  assert.ok(
    ed25519.verify(Buffer.from(sig as string, 'base64'), res.rawPayload, pubkey),
    'server signature verifies over the exact body bytes',
  );
}

/** An error reply: status from the table, exactly {code, message}, signed. */
export function assertError(
  h: Harness,
  res: LightMyRequestResponse,
  code: ErrorCode,
  message?: string | RegExp,
): void {
  const body = JSON.parse(res.body) as Record<string, unknown>;
  assert.deepEqual(
    { status: res.statusCode, code: body['code'] },
    { status: errorInfo(code).httpStatus, code },
    `expected code ${code}, got ${res.body}`,
  );
  assert.deepEqual(Object.keys(body), ['code', 'message']);
  assert.equal(typeof body['message'], 'string');
  if (typeof message === 'string') assert.equal(body['message'], message);
  else if (message instanceof RegExp) assert.match(body['message'] as string, message);
  else assert.equal(body['message'], errorInfo(code).message);
  assertServerSigned(res, h.serverKey.publicKey);
}

/** A 200 reply, signed, whose `request` is base64 of `sent`. */
export function assertOk(
  h: Harness,
  res: LightMyRequestResponse,
  sent: string | Buffer,
): Record<string, unknown> {
  assert.equal(res.statusCode, 200, res.body);
  assertServerSigned(res, h.serverKey.publicKey);
  const body = JSON.parse(res.body) as Record<string, unknown>;
  assert.equal(body['request'], Buffer.from(sent).toString('base64'));
  return body;
}

export const nowSeconds = (h: Harness): number => Math.floor(h.clock.ms / 1000);

/** Put a registered ticket straight into the store (bypassing /feeaddress). */
export function storeTicket(
  h: Harness,
  t: TicketFixture,
  patch: Partial<VspTicket> = {},
): VspTicket {
  const ticket: VspTicket = {
    hash: t.hash,
    purchaseHeight: 0,
    commitmentAddress: t.commitment.address,
    feeAddressXpubId: 0,
    feeAddressIndex: 99,
    feeAddress: newKey().address,
    confirmed: false,
    feeAmount: 1_000_000n,
    feeExpiration: nowSeconds(h) + 3600,
    feeTxHex: '',
    feeTxHash: '',
    feeTxStatus: 'none',
    votingWif: '',
    outcome: '',
    voteChoices: {},
    tspendPolicy: {},
    treasuryPolicy: {},
    ...patch,
  };
  h.store.tickets.set(t.hash, ticket);
  return ticket;
}

/** JSON the way dcrwallet's client writes it (Go struct field order, no spaces). */
export function feeAddressBody(
  h: Harness,
  t: TicketFixture,
  over: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    timestamp: nowSeconds(h),
    tickethash: t.hash,
    tickethex: t.ticketHex,
    parenthex: t.parentHex,
    ...over,
  });
}

export function payFeeBody(
  h: Harness,
  t: TicketFixture,
  feeTx: string,
  over: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    timestamp: nowSeconds(h),
    tickethash: t.hash,
    feetx: feeTx,
    votingkey: t.voting.wif,
    votechoices: {},
    tspendpolicy: {},
    treasurypolicy: {},
    ...over,
  });
}

/** dcrd knows the parent (confirmed) and the ticket with `confirmations`. */
export function onChain(h: Harness, t: TicketFixture, confirmations = 1): void {
  h.dcrd.add(t.parentHex, t.parentHash, confirmations + 10, 1000);
  h.dcrd.add(
    t.ticketHex,
    t.hash,
    confirmations,
    confirmations > 0 ? h.dcrd.best.height - confirmations + 1 : 0,
  );
}
