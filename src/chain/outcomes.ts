// Ticket outcomes from the chain: which stake txs of a block spend a watched ticket, how vspd names
// the result (voted / missed / expired), where the scan stands, and how it walks back to the fork
// point when the chain it scanned is no longer the main chain.
//
// The scan position is kept in the database (height in settings' vsp.last_scanned_block, the
// block's hash beside it), so a restart, or another process sharing the database, carries on
// from where the last scan stopped and can tell that the block it stopped at was reorganised away.
import type { Block } from '../dcr/block.ts';
import { hashToDisplay } from '../dcr/bytes.ts';
import type { NetParams } from '../dcr/params.ts';
import { stakeTxType } from '../dcr/stake.ts';
import { TX_TREE_STAKE, txid } from '../dcr/tx.ts';
import {
  deleteSetting,
  getLastScannedBlock,
  getSetting,
  setLastScannedBlock,
  setSetting,
  SETTING_KEYS,
} from '../db/settings.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Db } from '../db/transaction.ts';
import { isRpcError, RpcErrorCode } from '../rpc/errors.ts';

/** Beside settings' vsp.last_scanned_block (the height): the hash of that block. */
export const LAST_SCANNED_HASH_KEY = SETTING_KEYS.lastScannedHash;

export interface ScanPoint {
  height: number;
  /** Display hex; undefined when only a height was stored (e.g. by an import). */
  hash: string | undefined;
}

export async function getScanPoint(db: Db): Promise<ScanPoint | undefined> {
  const height = await getLastScannedBlock(db);
  if (height === undefined) return undefined;
  const hash = await getSetting(db, LAST_SCANNED_HASH_KEY);
  return { height, hash: hash === '' ? undefined : hash };
}

/** Store the height and hash together (joins the caller's transaction if given one). */
export async function setScanPoint(db: Db, point: { height: number; hash: string }): Promise<void> {
  await withTransaction(db, async (trx) => {
    await setLastScannedBlock(trx, point.height);
    await setSetting(trx, LAST_SCANNED_HASH_KEY, point.hash);
  });
}

export async function clearScanPoint(db: Db): Promise<void> {
  await withTransaction(db, async (trx) => {
    await deleteSetting(trx, SETTING_KEYS.lastScannedBlock);
    await deleteSetting(trx, LAST_SCANNED_HASH_KEY);
  });
}

export type SpendKind = 'vote' | 'revocation';

export interface TicketSpend {
  /** Display hex of the spent ticket. */
  ticket: string;
  /** Display hex of the vote or revocation. */
  spendTx: string;
  kind: SpendKind;
  height: number;
}

/**
 * The votes and revocations in the block's stake tree that spend output 0 of a watched ticket
 * (display hex hashes). Only those two tx types can spend a ticket's voting output.
 */
export function ticketSpendsInBlock(block: Block, watched: ReadonlySet<string>): TicketSpend[] {
  const spends: TicketSpend[] = [];
  if (watched.size === 0) return spends;
  for (const tx of block.stakeTransactions) {
    const input = tx.inputs.find(
      (i) =>
        i.prevIndex === 0 && i.prevTree === TX_TREE_STAKE && watched.has(hashToDisplay(i.prevHash)),
    );
    if (input === undefined) continue;
    const type = stakeTxType(tx);
    if (type !== 'vote' && type !== 'revocation') continue;
    spends.push({
      ticket: hashToDisplay(input.prevHash),
      spendTx: txid(tx),
      kind: type,
      height: block.header.height,
    });
  }
  return spends;
}

export type SpendOutcome = 'voted' | 'missed' | 'expired';

/**
 * vspd's naming of a spend. A vote is `voted`. A revocation is judged by its height against the
 * ticket's expiry (purchase height + maturity + expiry): before it the ticket was missed; at
 * expiry or one block after, it expired (with automatic revocations, an expired ticket is revoked
 * right then); later than that, a voter was probably offline, so missed.
 */
export function spendOutcome(
  spend: Pick<TicketSpend, 'kind' | 'height'>,
  purchaseHeight: number,
  net: Pick<NetParams, 'ticketMaturity' | 'ticketExpiry'>,
): SpendOutcome {
  if (spend.kind === 'vote') return 'voted';
  const expiry = purchaseHeight + net.ticketMaturity + net.ticketExpiry;
  if (spend.height < expiry) return 'missed';
  if (spend.height <= expiry + 1) return 'expired';
  return 'missed';
}

/** Lets a caller give up on a call (src/rpc's CallOptions). */
export interface CallSignal {
  signal?: AbortSignal;
}

/** The dcrd reads the scan and the fork search need (src/rpc DcrdClient fits). */
export interface ChainReader {
  getBestBlock(o?: CallSignal): Promise<{ hash: string; height: number }>;
  getBlockHash(height: number, o?: CallSignal): Promise<string>;
  /** Works for side-chain blocks too: dcrd keeps their headers. */
  getBlockHeader(
    hash: string,
    o?: CallSignal,
  ): Promise<{ height: number; previousblockhash?: string }>;
  /** The serialized block. */
  getBlockHex(hash: string, o?: CallSignal): Promise<string>;
}

/** How far back to restart when the stored block is unknown to dcrd (its data was replaced). */
export const UNKNOWN_FORK_DEPTH = 288;

/** Hash of the main-chain block at `height`, or undefined above the tip. */
async function mainChainHash(
  dcrd: ChainReader,
  height: number,
  tipHeight: number,
): Promise<string | undefined> {
  if (height > tipHeight) return undefined;
  return dcrd.getBlockHash(height);
}

/**
 * Whether the stored scan point is still on the main chain. A point stored without a hash is
 * trusted up to the tip.
 */
export async function onMainChain(
  dcrd: ChainReader,
  point: ScanPoint,
  tipHeight: number,
): Promise<boolean> {
  const main = await mainChainHash(dcrd, point.height, tipHeight);
  if (main === undefined) return false;
  return point.hash === undefined || main === point.hash;
}

/**
 * The newest block that both the scanned chain (ending at `point`) and the main chain contain:
 * follows the scanned chain's parents until one is on the main chain. If dcrd does not know a
 * block of the old chain at all, restarts UNKNOWN_FORK_DEPTH blocks below it (the rescan puts back
 * any outcome that was still valid).
 */
export async function findForkPoint(
  dcrd: ChainReader,
  point: ScanPoint,
  tipHeight: number,
): Promise<{ height: number; hash: string }> {
  let height = point.height;
  let hash = point.hash;
  while (hash !== undefined && height >= 0) {
    const main = await mainChainHash(dcrd, height, tipHeight);
    if (main === hash) return { height, hash };
    let header: { height: number; previousblockhash?: string };
    try {
      header = await dcrd.getBlockHeader(hash);
    } catch (err) {
      if (!isRpcError(err, RpcErrorCode.BlockNotFound)) throw err;
      break;
    }
    hash = header.previousblockhash;
    height -= 1;
  }
  const fallback = Math.max(0, Math.min(point.height, tipHeight) - UNKNOWN_FORK_DEPTH);
  return { height: fallback, hash: await dcrd.getBlockHash(fallback) };
}
