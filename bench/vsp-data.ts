// Ticket data for the VSP benchmarks: commitment keys that sign real /ticketstatus requests,
// ticket rows in the shapes a running VSP accumulates (registered, paid and voting, voted,
// expired, missed), and a SQLite database seeded with them in one transaction per batch.
// Everything is derived from indexes, so two runs build the same database.
import { blake256, hash160 } from '../src/dcr/hash.ts';
import { toHex } from '../src/dcr/bytes.ts';
import { encodeAddress, p2pkhAddress, p2pkhAddressFromHash } from '../src/dcr/address.ts';
import { ExtendedKey } from '../src/dcr/hdkey.ts';
import { signMessage } from '../src/dcr/message.ts';
import type { NetParams } from '../src/dcr/params.ts';
import { isValidPrivateKey, publicKeyCreate } from '../src/dcr/secp.ts';
import { encodeWif } from '../src/dcr/wif.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { setFeeXpub } from '../src/db/vsp-fee-xpubs.ts';
import type { VspTicketsTable } from '../src/db/vsp-tickets.ts';
import { createVspStore } from '../src/vsp/db-store.ts';
import { loadOrCreateServerKey } from '../src/vsp/server-key.ts';

const enc = new TextEncoder();
const digest = (s: string): Uint8Array => blake256(enc.encode(s));

export interface BenchKey {
  priv: Uint8Array;
  address: string;
}

/** The commitment key of keyed ticket i: a real P2PKH key, so requests can be signed. */
export function commitmentKey(i: number, net: NetParams): BenchKey {
  let priv = digest(`stakepool bench commitment ${i}`);
  while (!isValidPrivateKey(priv)) priv = blake256(priv);
  return { priv, address: encodeAddress(p2pkhAddress(publicKeyCreate(priv, true), net)) };
}

export const ticketHash = (i: number): string => toHex(digest(`stakepool bench ticket ${i}`));

export const feeXpub = (net: NetParams): string =>
  ExtendedKey.fromSeed(digest('stakepool bench fee xpub'), net).neuter().toString();

/**
 * What a ticket row records: 'unpaid' registered through /feeaddress but no fee yet; 'voting'
 * fee confirmed, in the voting wallets, live; 'voted' / 'expired' / 'missed' ended.
 */
export type TicketState = 'unpaid' | 'voting' | 'voted' | 'expired' | 'missed';

/** The mix of a VSP that has run for a while: most tickets ended, a tenth live, a few unpaid. */
export function stateOf(i: number): TicketState {
  const r = i % 100;
  if (r < 78) return 'voted';
  if (r < 82) return 'expired';
  if (r < 83) return 'missed';
  if (r < 95) return 'voting';
  return 'unpaid';
}

const VOTE_CHOICES = JSON.stringify({ maxtreasuryspend: 'no', reverttreasurypolicy: 'abstain' });
const TREASURY_POLICY = JSON.stringify({ ['02' + 'cd'.repeat(32)]: 'no' });

export interface RowOptions {
  net: NetParams;
  /** Unix seconds the rows are stamped with. */
  now: number;
  state: TicketState;
  /** The commitment address; default one from a hash (no key behind it). */
  commitmentAddress?: string;
}

/** One vsp_tickets row for ticket i. */
export function ticketRow(i: number, o: RowOptions): VspTicketsTable {
  const paid = o.state !== 'unpaid';
  const ended = o.state === 'voted' || o.state === 'expired' || o.state === 'missed';
  const purchaseHeight = 1_000 + Math.floor(i / 20);
  const voting = digest(`stakepool bench voting ${i}`);
  return {
    hash: ticketHash(i),
    purchase_height: purchaseHeight,
    commitment_address:
      o.commitmentAddress ??
      encodeAddress(p2pkhAddressFromHash(digest(`commit ${i}`).subarray(0, 20), o.net)),
    fee_address_xpub_id: 0,
    fee_address_index: i + 1,
    fee_address: encodeAddress(p2pkhAddressFromHash(hash160(enc.encode(`fee ${i}`)), o.net)),
    fee_amount: 1_000_000n + BigInt(i % 5000),
    fee_expiration: BigInt(o.now + 3600),
    // A fee tx is ~220 bytes; its hex is the bulk of a paid row.
    fee_tx_hash: paid ? toHex(digest(`fee tx ${i}`)) : '',
    fee_tx_hex: paid
      ? toHex(digest(`fee tx body ${i}`))
          .repeat(7)
          .slice(0, 440)
      : '',
    fee_tx_status: paid ? 'confirmed' : 'none',
    voting_wif: paid ? encodeWif(voting, o.net) : '',
    vote_choices: paid ? VOTE_CHOICES : '{}',
    tspend_policy: '{}',
    treasury_policy: paid ? TREASURY_POLICY : '{}',
    confirmed: 1,
    outcome: ended ? o.state : '',
    outcome_height: ended ? purchaseHeight + 300 : 0,
    spend_tx_hash: ended ? toHex(digest(`spend ${i}`)) : '',
    created_at: BigInt(o.now),
    updated_at: BigInt(o.now),
  };
}

const COLUMNS = [
  'hash',
  'purchase_height',
  'commitment_address',
  'fee_address_xpub_id',
  'fee_address_index',
  'fee_address',
  'fee_amount',
  'fee_expiration',
  'fee_tx_hash',
  'fee_tx_hex',
  'fee_tx_status',
  'voting_wif',
  'vote_choices',
  'tspend_policy',
  'treasury_policy',
  'confirmed',
  'outcome',
  'outcome_height',
  'spend_tx_hash',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof VspTicketsTable)[];

export interface SeedResult {
  rows: number;
  /** Seconds spent inserting the rows (row generation, schema and key setup excluded). */
  insertSeconds: number;
  /** Seconds spent building the rows in JS (hashes, base58 addresses, WIFs). */
  generateSeconds: number;
}

/**
 * A fresh SQLite VSP database at `path`: migrated, a fee xpub and the server key stored, then
 * `count` rows from `row(i)` inserted straight through better-sqlite3, `batch` rows per
 * transaction.
 */
export async function seedSqlite(
  path: string,
  net: NetParams,
  count: number,
  row: (i: number) => VspTicketsTable,
  batch = 10_000,
): Promise<SeedResult> {
  const database = createDatabase({ engine: 'sqlite', sqlitePath: path });
  try {
    await migrateToLatest(database.db);
    await setFeeXpub(database.db, feeXpub(net));
    await loadOrCreateServerKey(createVspStore(database.db));
    const handle = database.sqlite;
    if (handle === undefined) throw new Error('seedSqlite: no SQLite handle');
    const insert = handle.prepare(
      `insert into vsp_tickets (${COLUMNS.join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`,
    );
    const begin = handle.prepare('begin');
    const commit = handle.prepare('commit');
    let generateMs = 0;
    const t0 = performance.now();
    for (let start = 0; start < count; start += batch) {
      begin.run([]);
      const end = Math.min(count, start + batch);
      for (let i = start; i < end; i++) {
        const g0 = performance.now();
        const r = row(i);
        generateMs += performance.now() - g0;
        insert.run(COLUMNS.map((c) => r[c]));
      }
      commit.run([]);
    }
    const totalMs = performance.now() - t0;
    return {
      rows: count,
      insertSeconds: (totalMs - generateMs) / 1000,
      generateSeconds: generateMs / 1000,
    };
  } finally {
    await database.close();
  }
}

export interface SignedRequest {
  body: string;
  signature: string;
}

/** A /ticketstatus body for ticket i, signed by its commitment key, as dcrwallet sends it. */
export function signedStatusRequest(i: number, key: BenchKey): SignedRequest {
  const body = JSON.stringify({ tickethash: ticketHash(i) });
  return { body, signature: signMessage(body, key.priv) };
}
