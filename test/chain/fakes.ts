// Test doubles for the chain and voting jobs: an in-memory SQLite database with the real schema and
// repositories, a small chain of real serialized blocks behind a dcrd object literal, voting
// wallets as object literals that record their calls, and a log that keeps its lines.
import { randomBytes } from 'node:crypto';
import { blockHashDisplay, encodeBlock } from '../../src/dcr/block.ts';
import type { BlockHeader } from '../../src/dcr/block.ts';
import { hashFromDisplay, toHex } from '../../src/dcr/bytes.ts';
import { netParams } from '../../src/dcr/params.ts';
import { stakeTaggedScript } from '../../src/dcr/script.ts';
import { encodeTx, newTxIn, TX_TREE_STAKE, txid } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import { buildVote } from '../../src/dcr/vote.ts';
import { createDatabase } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import type { Db } from '../../src/db/transaction.ts';
import { getTicket, insertTicket, updateTicket } from '../../src/db/vsp-tickets.ts';
import type { NewTicket, Ticket, TicketPatch } from '../../src/db/vsp-tickets.ts';
import type { JobLog } from '../../src/chain/log.ts';
import type { PipelineDcrd, TxLookup } from '../../src/chain/vsp-pipeline.ts';
import { RpcConnectionError, RpcError, RpcErrorCode } from '../../src/rpc/errors.ts';
import type { ManagedVotingWallet, WalletTicket } from '../../src/voting/vsp-wallets.ts';

export const SIMNET = netParams('simnet');

export async function memoryDb(): Promise<{ db: Db; close: () => Promise<void> }> {
  const database = createDatabase({ engine: 'sqlite', sqlitePath: ':memory:' });
  await migrateToLatest(database.db);
  return { db: database.db, close: () => database.close() };
}

export const newHash = (): string => randomBytes(32).toString('hex');

let feeIndex = 0;

/** Store a ticket as /feeaddress would, then apply `patch` (e.g. what /payfee adds). */
export async function storeTicket(
  db: Db,
  patch: TicketPatch & { hash?: string } = {},
): Promise<Ticket> {
  feeIndex += 1;
  const { hash = newHash(), ...rest } = patch;
  const t: NewTicket = {
    hash,
    commitmentAddress: `SsCommitment${feeIndex}`,
    feeAddressXpubId: 0,
    feeAddressIndex: feeIndex,
    feeAddress: `SsFee${feeIndex}x${randomBytes(4).toString('hex')}`,
    feeAmount: 1_000_000n,
    feeExpiration: 1_700_000_000,
  };
  if (!(await insertTicket(db, t))) throw new Error('storeTicket: duplicate');
  if (Object.keys(rest).length > 0) await updateTicket(db, hash, rest);
  return (await getTicket(db, hash))!;
}

export async function ticket(db: Db, hash: string): Promise<Ticket> {
  const t = await getTicket(db, hash);
  if (t === undefined) throw new Error(`no ticket ${hash}`);
  return t;
}

/** A log that keeps every line. */
export function recordingLog(): JobLog & {
  lines: { level: string; obj: object; msg: string | undefined }[];
} {
  const lines: { level: string; obj: object; msg: string | undefined }[] = [];
  const at =
    (level: string) =>
    (obj: object, msg?: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const noTxInfo = (method = 'getrawtransaction'): RpcError =>
  new RpcError(RpcErrorCode.NoTxInfo, 'No information available about transaction', method);

export const notConnected = (method: string): RpcConnectionError =>
  new RpcConnectionError(`dcrd: ${method}: not connected`);

// ---------------------------------------------------------------------------------------------
// Votes and revocations of made-up tickets

const H160 = new Uint8Array(20).fill(7);
const PRICE = 2_000_000_000n;

export function voteFor(ticketHash: string, votedOn: string, votedHeight: number): Tx {
  return buildVote({
    ticket: {
      hash: hashFromDisplay(ticketHash),
      price: PRICE,
      commitments: [{ hash160: H160, isP2SH: false, amount: PRICE }],
      votingScript: stakeTaggedScript('ticket', 'p2pkh', H160),
    },
    blockHash: hashFromDisplay(votedOn),
    blockHeight: votedHeight,
    voteBits: 1,
    voteVersion: 10,
    subsidy: 100_000_000n,
    net: SIMNET,
  });
}

export function revocationFor(ticketHash: string): Tx {
  return {
    version: 2,
    inputs: [newTxIn(hashFromDisplay(ticketHash), 0, TX_TREE_STAKE, { valueIn: PRICE })],
    outputs: [
      { value: PRICE, version: 0, pkScript: stakeTaggedScript('revocation', 'p2pkh', H160) },
    ],
    lockTime: 0,
    expiry: 0,
  };
}

// ---------------------------------------------------------------------------------------------
// The chain

interface FakeBlock {
  hash: string;
  height: number;
  prev: string;
  hex: string;
}

interface FakeTx {
  hex: string;
  /** Unset while in the mempool. */
  blockHash?: string;
}

type Method = keyof PipelineDcrd;

/**
 * A main chain of real serialized blocks (plus the side blocks reorgs leave behind), the txs dcrd
 * knows, and what was sent. `fail` makes a method throw; `calls` counts every call.
 */
export class FakeChain {
  readonly blocks = new Map<string, FakeBlock>();
  main: string[] = [];
  readonly txs = new Map<string, FakeTx>();
  readonly sent: string[] = [];
  readonly fail: Partial<Record<Method, (arg: unknown) => Error | undefined>> = {};
  readonly calls: Record<string, number> = {};
  /** What sendRawTransaction does with a hex (default: accept it into the mempool). */
  onSend: ((hex: string) => Promise<void> | void) | undefined;
  private nonce = 0;

  constructor(height = 100) {
    for (let h = 0; h <= height; h++) this.mine();
  }

  get tip(): FakeBlock {
    return this.blocks.get(this.main[this.main.length - 1]!)!;
  }

  get height(): number {
    return this.main.length - 1;
  }

  /** Append a block with these stake txs (and regular txs) on the main tip. */
  mine(stake: Tx[] = [], regular: Tx[] = []): FakeBlock {
    const height = this.main.length;
    const prev = height === 0 ? '00'.repeat(32) : this.main[height - 1]!;
    this.nonce += 1;
    const header: BlockHeader = {
      version: 10,
      prevBlock: hashFromDisplay(prev),
      merkleRoot: new Uint8Array(32),
      stakeRoot: new Uint8Array(32),
      voteBits: 1,
      finalState: new Uint8Array(6),
      voters: stake.length,
      freshStake: 0,
      revocations: 0,
      poolSize: 0,
      bits: 0x207fffff,
      sbits: 20_000_000n,
      height,
      size: 0,
      timestamp: 1_700_000_000 + height,
      nonce: this.nonce,
      extraData: new Uint8Array(32),
      stakeVersion: 10,
    };
    const hash = blockHashDisplay(header);
    const hex = toHex(encodeBlock({ header, transactions: regular, stakeTransactions: stake }));
    const block = { hash, height, prev, hex };
    this.blocks.set(hash, block);
    this.main.push(hash);
    for (const tx of [...regular, ...stake])
      this.txs.set(txid(tx), { hex: toHex(encodeTx(tx)), blockHash: hash });
    return block;
  }

  mineN(n: number): void {
    for (let i = 0; i < n; i++) this.mine();
  }

  /** Drop the main chain above `forkHeight` (the blocks stay known as side blocks). */
  disconnectTo(forkHeight: number): void {
    this.main = this.main.slice(0, forkHeight + 1);
  }

  /** A tx dcrd knows: in the mempool, or mined `confirmations` deep on the main chain. */
  addTx(id: string, hex: string, confirmations = 0): void {
    if (confirmations === 0) {
      this.txs.set(id, { hex });
      return;
    }
    const blockHash = this.main[this.height - confirmations + 1];
    if (blockHash === undefined) throw new Error('addTx: chain too short');
    this.txs.set(id, { hex, blockHash });
  }

  private count(m: string): void {
    this.calls[m] = (this.calls[m] ?? 0) + 1;
  }

  private check(m: Method, arg: unknown): void {
    this.count(m);
    const err = this.fail[m]?.(arg);
    if (err !== undefined) throw err;
  }

  /** Counts the call, then throws the configured failure or answers. */
  private answer<T>(m: Method, arg: unknown, fn: () => T): Promise<T> {
    try {
      this.check(m, arg);
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** The dcrd object literal the pipeline gets. */
  dcrd(): PipelineDcrd {
    return {
      getBestBlock: () =>
        this.answer('getBestBlock', undefined, () => ({
          hash: this.tip.hash,
          height: this.tip.height,
        })),
      getBlockHash: (height) =>
        this.answer('getBlockHash', height, () => {
          const h = this.main[height];
          if (h === undefined) throw new RpcError(-1, 'Block number out of range', 'getblockhash');
          return h;
        }),
      getBlockHeader: (hash) =>
        this.answer('getBlockHeader', hash, () => {
          const b = this.blocks.get(hash);
          if (b === undefined) throw new RpcError(-5, 'Block not found', 'getblockheader');
          return { height: b.height, previousblockhash: b.prev };
        }),
      getBlockHex: (hash) =>
        this.answer('getBlockHex', hash, () => {
          const b = this.blocks.get(hash);
          if (b === undefined) throw new RpcError(-5, 'Block not found', 'getblock');
          return b.hex;
        }),
      getRawTransactionVerbose: (id) =>
        this.answer('getRawTransactionVerbose', id, (): TxLookup => {
          const tx = this.txs.get(id);
          if (tx === undefined) throw noTxInfo();
          const block = tx.blockHash === undefined ? undefined : this.blocks.get(tx.blockHash);
          if (block === undefined || this.main[block.height] !== block.hash) {
            return { hex: tx.hex, confirmations: 0 };
          }
          return {
            hex: tx.hex,
            confirmations: this.height - block.height + 1,
            blockhash: block.hash,
            blockheight: block.height,
          };
        }),
      sendRawTransaction: async (hex) => {
        this.check('sendRawTransaction', hex);
        this.sent.push(hex);
        await this.onSend?.(hex);
        return 'sent';
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Voting wallets

export interface WalletCall {
  method: string;
  args: unknown[];
}

export interface FakeWallet extends ManagedVotingWallet {
  up: boolean;
  calls: WalletCall[];
  /** What ticketinfo reports: hash → choices. */
  tickets: Map<string, WalletTicket>;
  /** Per-ticket policies the wallet reports: `${ticket}/${key}` → policy. */
  policies: Map<string, string>;
  /** Make a method throw. */
  fail: Partial<Record<string, (args: unknown[]) => Error | undefined>>;
}

export function fakeWallet(name: string): FakeWallet {
  const w: FakeWallet = {
    name,
    up: true,
    calls: [],
    tickets: new Map(),
    policies: new Map(),
    fail: {},
    isReady: () => w.up,
    client: {
      importPrivKey: (...args) => call('importPrivKey', args),
      addTransaction: (...args) => call('addTransaction', args),
      setVoteChoice: async (...args) => {
        await call('setVoteChoice', args);
        const [agenda, choice, ticket] = args;
        const t = w.tickets.get(ticket);
        if (t !== undefined) {
          t.choices = [
            ...(t.choices ?? []).filter((c) => c.agendaid !== agenda),
            { agendaid: agenda, choiceid: choice },
          ];
        }
      },
      setTSpendPolicy: async (...args) => {
        await call('setTSpendPolicy', args);
        w.policies.set(`${args[2]}/${args[0]}`, args[1]);
      },
      setTreasuryPolicy: async (...args) => {
        await call('setTreasuryPolicy', args);
        w.policies.set(
          `${args[2]}/${args[0]}`,
          args[1] === 'yes' || args[1] === 'no' ? args[1] : 'abstain',
        );
      },
      ticketInfo: async (...args) => {
        await call('ticketInfo', args);
        return [...w.tickets.values()];
      },
      rescanWallet: (...args) => call('rescanWallet', args),
      tspendPolicy: async (...args) => {
        await call('tspendPolicy', args);
        return w.policies.get(`${args[1]}/${args[0]}`) ?? 'abstain';
      },
      treasuryPolicy: async (...args) => {
        await call('treasuryPolicy', args);
        return w.policies.get(`${args[1]}/${args[0]}`) ?? 'abstain';
      },
    },
  };
  const call = (method: string, args: unknown[]): Promise<null> => {
    w.calls.push({ method, args });
    const err = w.fail[method]?.(args);
    return err === undefined ? Promise.resolve(null) : Promise.reject(err);
  };
  return w;
}

export const callsOf = (w: FakeWallet, method: string): unknown[][] =>
  w.calls.filter((c) => c.method === method).map((c) => c.args);
