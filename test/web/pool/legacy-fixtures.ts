// What the legacy pool's web tests share, the pages' (pages-harness.ts, harness.ts) and the API's
// (../api-v1/harness.ts): pool keys from fixed seeds, fresh user pubkey addresses, a dcrd fake at
// the narrow interfaces the stats, the registration height and /voting use, pool tickets stored
// straight in the database, the VSP half of a whole-app WebContext, and a harness per suite.
import { randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import { encodeAddress, ExtendedKey, p2pkAddressCompressed } from '../../../src/dcr/index.ts';
import { isValidPrivateKey, publicKeyCreate } from '../../../src/dcr/secp.ts';
import { insertPoolTickets, setPoolTicketOutcome } from '../../../src/db/pool-tickets.ts';
import type { NewPoolTicket, PoolOutcome } from '../../../src/db/pool-tickets.ts';
import type { Db } from '../../../src/db/transaction.ts';
import { PoolKeys } from '../../../src/pool/keys.ts';
import type { PoolStatsDcrd } from '../../../src/pool/pool-stats.ts';
import type { FastifyBaseLogger } from 'fastify';
import type { WebContext } from '../../../src/web/context.ts';
import type { PoolPagesDcrd } from '../../../src/web/routes/pool/pages-context.ts';
import { feeAddressSource } from '../../../src/vsp/fee-address.ts';
import { ServerKey } from '../../../src/vsp/server-key.ts';
import { MemoryStore } from '../../vsp/memory-store.ts';
import { FakeDcrd, FakeWallets, FEE_XPUB, NET } from '../fixtures.ts';

/**
 * One harness for the tests of a describe block (or a file): made before them, closed after them.
 * The object is filled in by the time the tests run.
 */
export function suiteHarness<H extends { close(): Promise<void> }>(make: () => Promise<H>): H {
  const h = {} as H;
  before(async () => {
    Object.assign(h, await make());
  });
  after(() => h.close());
  return h;
}

/** PoolKeys (votingwalletextpub, coldwalletextpub) from two fixed seeds, on testnet3. */
export function testPoolKeys(votingSeedByte: number, coldSeedByte: number): PoolKeys {
  const xpub = (fill: number): string =>
    ExtendedKey.fromSeed(new Uint8Array(32).fill(fill), NET).neuter().toString();
  return new PoolKeys(xpub(votingSeedByte), xpub(coldSeedByte), NET);
}

/** A fresh user key's pubkey address (what dcrwallet's validateaddress shows as pubkeyaddr). */
export function newPubKeyAddress(): { address: string; pub: Uint8Array } {
  let priv: Uint8Array;
  do priv = randomBytes(32);
  while (!isValidPrivateKey(priv));
  const pub = publicKeyCreate(priv, true);
  return { address: encodeAddress(p2pkAddressCompressed(pub, NET)), pub };
}

/** dcrd for the stats, the registration height and getvoteinfo; `fail` makes every call throw. */
export class FakePoolDcrd implements PoolStatsDcrd, PoolPagesDcrd {
  height: number;
  poolSize = 40960;
  nextSdiff: bigint;
  mempool: number;
  voteInfo: unknown;
  fail = false;
  /** Calls so far, failed ones too. */
  calls = 0;

  constructor(o: { height: number; nextSdiff: bigint; mempool: number; voteInfo?: unknown }) {
    this.height = o.height;
    this.nextSdiff = o.nextSdiff;
    this.mempool = o.mempool;
    this.voteInfo = o.voteInfo;
  }

  #answer<T>(value: () => T): Promise<T> {
    this.calls++;
    if (this.fail) throw new Error('dcrd is down');
    return Promise.resolve(value());
  }
  getBestBlock(): Promise<{ height: number }> {
    return this.#answer(() => ({ height: this.height }));
  }
  getBestBlockHeader(): Promise<{ height: number; poolSize: number }> {
    return this.#answer(() => ({ height: this.height, poolSize: this.poolSize }));
  }
  getStakeDifficulty(): Promise<{ next: bigint }> {
    return this.#answer(() => ({ next: this.nextSdiff }));
  }
  mempoolTicketCount(): Promise<number> {
    return this.#answer(() => this.mempool);
  }
  getVoteInfo(): Promise<unknown> {
    return this.#answer(() => this.voteInfo);
  }
}

export interface TestTicket {
  height: number;
  feeStatus?: NewPoolTicket['feeStatus'];
  outcome?: PoolOutcome;
  outcomeHeight?: number;
  spentBy?: string;
}

let tickets = 0;

/** Stores a pool ticket of `userId` bought at `height`, with an outcome if given; its hash. */
export async function insertTestTicket(db: Db, userId: number, o: TestTicket): Promise<string> {
  tickets++;
  const hash = randomBytes(28).toString('hex') + tickets.toString(16).padStart(8, '0');
  await insertPoolTickets(db, [
    {
      hash,
      userId,
      ticketAddress: 'TcTicketAddressOfTests',
      purchaseHeight: o.height,
      purchaseBlock: randomBytes(32).toString('hex'),
      price: 150_00000000n,
      feePaid: o.feeStatus === 'low' ? 1000n : 1_00000000n,
      feeRequired: 50000000n,
      feeStatus: o.feeStatus ?? 'ok',
      ticketHex: '00',
    },
  ]);
  if (o.outcome !== undefined && o.outcome !== '') {
    await setPoolTicketOutcome(db, hash, {
      outcome: o.outcome,
      height: o.outcomeHeight ?? o.height + 300,
      spentBy: o.spentBy ?? '',
    });
  }
  return hash;
}

/** The VSP half of the whole app's context (fakes of its nodes); the caller adds the pool. */
export function vspWebContext(o: {
  clock: { ms: number };
  log: FastifyBaseLogger;
  designation: string;
  version: string;
}): WebContext {
  const store = new MemoryStore(FEE_XPUB);
  return {
    net: NET,
    config: {
      vspFee: 2,
      vspClosed: false,
      vspClosedMsg: '',
      designation: o.designation,
      version: o.version,
    },
    store,
    dcrd: new FakeDcrd(),
    wallets: new FakeWallets(),
    serverKey: new ServerKey(new Uint8Array(32).fill(1)),
    feeAddresses: feeAddressSource(store, NET),
    log: o.log,
    now: () => o.clock.ms,
  };
}
