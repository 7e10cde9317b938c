// Fee xpubs: the cold wallet's account xpub(s) whose external branch gives each ticket its fee
// address. Exactly one is active (retired_at NULL); retiring it adds a new one with id+1. Index 0
// is never handed out, as in vspd: the first fee address is /0/1.
import type { Selectable } from 'kysely';
import { nowSeconds, toNumber } from './engine.ts';
import { withTransaction } from './transaction.ts';
import type { Db } from './transaction.ts';

export interface VspFeeXpubsTable {
  id: number;
  xpub: string;
  last_used_index: number;
  retired_at: bigint | null;
  created_at: bigint;
}

export interface FeeXpub {
  id: number;
  xpub: string;
  lastUsedIndex: number;
  /** Unix seconds; undefined for the active key. */
  retiredAt: number | undefined;
  createdAt: number;
}

export interface FeeAddressReservation {
  xpubId: number;
  xpub: string;
  /** Child of the external branch: derive xpub/0/index. */
  index: number;
}

/** Highest non-hardened child index. */
export const MAX_FEE_ADDRESS_INDEX = 2 ** 31 - 1;

function fromRow(r: Selectable<VspFeeXpubsTable>): FeeXpub {
  return {
    id: r.id,
    xpub: r.xpub,
    lastUsedIndex: r.last_used_index,
    retiredAt: r.retired_at === null ? undefined : toNumber(r.retired_at),
    createdAt: toNumber(r.created_at),
  };
}

export async function currentFeeXpub(db: Db): Promise<FeeXpub | undefined> {
  const row = await db
    .selectFrom('vsp_fee_xpubs')
    .selectAll()
    .where('retired_at', 'is', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Every key ever used, oldest first. */
export async function allFeeXpubs(db: Db): Promise<FeeXpub[]> {
  const rows = await db.selectFrom('vsp_fee_xpubs').selectAll().orderBy('id').execute();
  return rows.map(fromRow);
}

/**
 * Makes xpub the active fee key: retires the current one (if any) and adds xpub with id+1 (0 for
 * the first) and last used index 0. A key that was ever used before is refused, because its
 * addresses may already have been handed out.
 */
export async function setFeeXpub(db: Db, xpub: string): Promise<FeeXpub> {
  if (typeof xpub !== 'string' || xpub.length === 0 || xpub.length > 255) {
    throw new TypeError('xpub: must be a non-empty string of at most 255 characters');
  }
  return withTransaction(db, async (trx) => {
    const used = await trx
      .selectFrom('vsp_fee_xpubs')
      .select('id')
      .where('xpub', '=', xpub)
      .executeTakeFirst();
    if (used) throw new RangeError(`xpub: already used as fee xpub ${used.id}`);
    const now = BigInt(nowSeconds());
    await trx
      .updateTable('vsp_fee_xpubs')
      .set({ retired_at: now })
      .where('retired_at', 'is', null)
      .execute();
    const last = await trx
      .selectFrom('vsp_fee_xpubs')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const id = last?.id === null || last?.id === undefined ? 0 : toNumber(last.id) + 1;
    await trx
      .insertInto('vsp_fee_xpubs')
      .values({ id, xpub, last_used_index: 0, retired_at: null, created_at: now })
      .execute();
    return { id, xpub, lastUsedIndex: 0, retiredAt: undefined, createdAt: Number(now) };
  });
}

/**
 * Hands out the next fee address index of the active key, exactly once across every process
 * sharing the database: the increment is one UPDATE (row-locked on PostgreSQL/MySQL, under the
 * write lock on SQLite) and the value is read back inside the same transaction. An index whose
 * child key is invalid is simply skipped by reserving again; gaps are harmless.
 */
export async function reserveFeeAddressIndex(db: Db): Promise<FeeAddressReservation> {
  return withTransaction(db, async (trx) => {
    // A concurrent setFeeXpub can commit between our snapshot and the lock: on PostgreSQL the
    // UPDATE then finds the old row retired and the new one not yet visible, so look again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await trx
        .updateTable('vsp_fee_xpubs')
        .set((eb) => ({ last_used_index: eb('last_used_index', '+', 1) }))
        .where('retired_at', 'is', null)
        .where('last_used_index', '<', MAX_FEE_ADDRESS_INDEX)
        .executeTakeFirst();
      if (result.numUpdatedRows > 1n) {
        throw new Error('fee xpub: more than one active key; the table is inconsistent');
      }
      if (result.numUpdatedRows === 1n) {
        const row = await trx
          .selectFrom('vsp_fee_xpubs')
          .select(['id', 'xpub', 'last_used_index'])
          .where('retired_at', 'is', null)
          .executeTakeFirstOrThrow();
        return { xpubId: row.id, xpub: row.xpub, index: row.last_used_index };
      }
      const current = await currentFeeXpub(trx);
      if (current && current.lastUsedIndex >= MAX_FEE_ADDRESS_INDEX) {
        throw new RangeError(`fee xpub: key ${current.id} has used every non-hardened index`);
      }
    }
    throw new Error('fee xpub: no active key; set one with setFeeXpub (createdb)');
  });
}
