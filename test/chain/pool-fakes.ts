// Test doubles for the legacy pool's chain job: real pool tickets built the way dcrwallet 2.0.x
// `purchaseticket … pooladdress poolfees` builds them (simnet.md §10.2.2), and an in-memory
// PoolTicketStore with the contract's semantics (idempotent inserts, reorg deletes, rollback).
import { randomBytes } from 'node:crypto';
import {
  addressStakeScript,
  commitmentScript,
  encodeAddress,
  encodeFeeLimits,
  p2pkhAddressFromHash,
  p2shAddressFromHash,
} from '../../src/dcr/address.ts';
import type { Address } from '../../src/dcr/address.ts';
import type { NetParams } from '../../src/dcr/params.ts';
import { stakeTaggedScript } from '../../src/dcr/script.ts';
import { newTxIn, TX_TREE_REGULAR } from '../../src/dcr/tx.ts';
import type { Tx } from '../../src/dcr/tx.ts';
import type { NewPoolTicket, PoolOutcome, PoolTicket } from '../../src/db/pool-tickets.ts';
import type { PoolTicketStore } from '../../src/chain/pool-tickets.ts';

export const randomP2pkh = (net: NetParams): Address =>
  p2pkhAddressFromHash(new Uint8Array(randomBytes(20)), net);

export const randomP2sh = (net: NetParams): Address =>
  p2shAddressFromHash(new Uint8Array(randomBytes(20)), net);

export const addr = (a: Address): string => encodeAddress(a);

/** dcrwallet's commitment limits since 1.7: no vote limit, revocations 2^14 atoms. */
const WALLET_FEE_LIMITS = encodeFeeLimits(0n, 1n << 14n);

export interface PoolTicketSpec {
  net: NetParams;
  /** The voting address (the user's 1-of-2 P2SH). */
  voting: Address;
  /** Commitment #1's address (a pool fee address). */
  feeAddress: Address;
  /** Commitment #1's amount. */
  poolFee: bigint;
  price: bigint;
  /** The ticket's own transaction fee. */
  txFee?: bigint;
  /** Values of the two change outputs (wallets leave them 0). */
  change?: [bigint, bigint];
}

/**
 * A ticket as the legacy buyer makes it: in 0 = the pool-fee split output, in 1 = the user's;
 * out 0 OP_SSTX to the voting address, out 1 the pool-fee commitment, out 3 the user's
 * commitment (price + fee − pool fee), outs 2 and 4 zero change to a zero hash. Each commitment
 * equals its input minus its change.
 */
export function poolTicketTx(spec: PoolTicketSpec): Tx {
  const txFee = spec.txFee ?? 3_000n;
  const [c1, c2] = spec.change ?? [0n, 0n];
  const userCommit = spec.price + txFee - spec.poolFee;
  const zero = stakeTaggedScript('change', 'p2pkh', new Uint8Array(20));
  const prev = (): Uint8Array => new Uint8Array(randomBytes(32));
  return {
    version: 1,
    inputs: [
      newTxIn(prev(), 0, TX_TREE_REGULAR, { valueIn: spec.poolFee + c1 }),
      newTxIn(prev(), 1, TX_TREE_REGULAR, { valueIn: userCommit + c2 }),
    ],
    outputs: [
      { value: spec.price, version: 0, pkScript: addressStakeScript(spec.voting, 'ticket') },
      {
        value: 0n,
        version: 0,
        pkScript: commitmentScript(spec.feeAddress, spec.poolFee, WALLET_FEE_LIMITS),
      },
      { value: c1, version: 0, pkScript: zero },
      {
        value: 0n,
        version: 0,
        pkScript: commitmentScript(randomP2pkh(spec.net), userCommit, WALLET_FEE_LIMITS),
      },
      { value: c2, version: 0, pkScript: zero },
    ],
    lockTime: 0,
    expiry: 0,
  };
}

/** A solo/VSP ticket: one commitment, voting rights to a P2PKH. */
export function soloTicketTx(net: NetParams, price: bigint): Tx {
  const voting = randomP2pkh(net);
  return {
    version: 1,
    inputs: [newTxIn(new Uint8Array(randomBytes(32)), 0, TX_TREE_REGULAR, { valueIn: price })],
    outputs: [
      { value: price, version: 0, pkScript: addressStakeScript(voting, 'ticket') },
      {
        value: 0n,
        version: 0,
        pkScript: commitmentScript(randomP2pkh(net), price, WALLET_FEE_LIMITS),
      },
      { value: 0n, version: 0, pkScript: stakeTaggedScript('change', 'p2pkh', new Uint8Array(20)) },
    ],
    lockTime: 0,
    expiry: 0,
  };
}

type Row = Omit<PoolTicket, 'lowFeeAdded'>;

interface State {
  tickets: Map<string, Row>;
  settings: Map<string, string>;
}

const copy = (s: State): State => ({
  tickets: new Map([...s.tickets].map(([k, v]) => [k, { ...v }])),
  settings: new Map(s.settings),
});

/** An in-memory PoolTicketStore; `calls` counts every method call, `fail` makes one throw. */
export class MemoryPoolStore implements PoolTicketStore {
  state: State = { tickets: new Map(), settings: new Map() };
  /** P2SH → { user id, height registered }. */
  readonly users = new Map<string, { id: number; heightRegistered: number }>();
  readonly calls: Record<string, number> = {};
  readonly fail: Partial<Record<keyof PoolTicketStore, (arg: unknown) => Error | undefined>> = {};

  /** Counts the call and throws the configured failure, asynchronously like a database. */
  private async count(m: keyof PoolTicketStore, arg?: unknown): Promise<void> {
    await Promise.resolve();
    this.calls[m] = (this.calls[m] ?? 0) + 1;
    const err = this.fail[m]?.(arg);
    if (err !== undefined) throw err;
  }

  addUser(address: string, id: number, heightRegistered: number): void {
    this.users.set(address, { id, heightRegistered });
  }

  ticket(hash: string): Row | undefined {
    return this.state.tickets.get(hash);
  }

  get tickets(): Row[] {
    return [...this.state.tickets.values()];
  }

  async poolMultisigOwners(): Promise<ReadonlyMap<string, number>> {
    await this.count('poolMultisigOwners');
    return new Map([...this.users].map(([a, u]) => [a, u.id]));
  }

  async minHeightRegistered(): Promise<number | undefined> {
    await this.count('minHeightRegistered');
    const hs = [...this.users.values()].map((u) => u.heightRegistered);
    return hs.length === 0 ? undefined : Math.min(...hs);
  }

  async insertPoolTickets(tickets: NewPoolTicket[]): Promise<number> {
    await this.count('insertPoolTickets', tickets);
    let n = 0;
    for (const t of tickets) {
      if (this.state.tickets.has(t.hash)) continue;
      this.state.tickets.set(t.hash, { ...t, outcome: '', outcomeHeight: 0, spentBy: '' });
      n++;
    }
    return n;
  }

  async getPoolTickets(hashes: string[]): Promise<PoolTicket[]> {
    await this.count('getPoolTickets', hashes);
    return hashes.flatMap((h) => {
      const t = this.state.tickets.get(h);
      return t === undefined ? [] : [{ ...t, lowFeeAdded: false }];
    });
  }

  async setPoolTicketOutcome(
    hash: string,
    o: { outcome: PoolOutcome; height: number; spentBy: string },
  ): Promise<boolean> {
    await this.count('setPoolTicketOutcome', hash);
    const t = this.state.tickets.get(hash);
    if (t === undefined) return false;
    t.outcome = o.outcome;
    t.outcomeHeight = o.height;
    t.spentBy = o.spentBy;
    return true;
  }

  async deletePoolTicketsFrom(height: number): Promise<number> {
    await this.count('deletePoolTicketsFrom', height);
    let n = 0;
    for (const [h, t] of this.state.tickets) {
      if (t.purchaseHeight >= height) {
        this.state.tickets.delete(h);
        n++;
      }
    }
    return n;
  }

  async clearPoolOutcomesFrom(height: number): Promise<number> {
    await this.count('clearPoolOutcomesFrom', height);
    let n = 0;
    for (const t of this.state.tickets.values()) {
      if (t.outcome !== '' && t.outcomeHeight >= height) {
        t.outcome = '';
        t.outcomeHeight = 0;
        t.spentBy = '';
        n++;
      }
    }
    return n;
  }

  async getSetting(name: string): Promise<string | undefined> {
    await this.count('getSetting', name);
    return this.state.settings.get(name);
  }

  async setSetting(name: string, value: string): Promise<void> {
    await this.count('setSetting', name);
    this.state.settings.set(name, value);
  }

  /** All or nothing: a throw restores the state from before fn. Nested calls join the outer. */
  private depth = 0;
  async atomically<T>(fn: (store: PoolTicketStore) => Promise<T>): Promise<T> {
    await this.count('atomically');
    if (this.depth > 0) return fn(this);
    const before = copy(this.state);
    this.depth++;
    try {
      return await fn(this);
    } catch (err) {
      this.state = before;
      throw err;
    } finally {
      this.depth--;
    }
  }
}
