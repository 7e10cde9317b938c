// dcrd's websocket notifications, parsed into typed events. A notification that does not have the
// expected shape is reported as undefined (the caller logs it), never thrown at the socket.
import type { BlockHeader } from '../dcr/block.ts';
import { blockHashDisplay, decodeBlockHeader } from '../dcr/block.ts';

export interface BlockConnected {
  header: BlockHeader;
  /** Display hex of the block hash. */
  hash: string;
  height: number;
  /** Transactions matching the client's loaded filter (hex), usually none. */
  filteredTxs: string[];
}

export interface BlockDisconnected {
  header: BlockHeader;
  hash: string;
  height: number;
}

/** The tickets selected by block `blockHash`: they may vote on it, in its child. */
export interface WinningTickets {
  blockHash: string;
  height: number;
  tickets: string[];
}

export interface NewTickets {
  blockHash: string;
  height: number;
  /** Ticket price for the next block, atoms. */
  stakeDifficulty: bigint;
  tickets: string[];
}

export interface DcrdEvents {
  blockConnected: [BlockConnected];
  blockDisconnected: [BlockDisconnected];
  winningTickets: [WinningTickets];
  newTickets: [NewTickets];
}

export type DcrdNotification =
  | { event: 'blockConnected'; data: BlockConnected }
  | { event: 'blockDisconnected'; data: BlockDisconnected }
  | { event: 'winningTickets'; data: WinningTickets }
  | { event: 'newTickets'; data: NewTickets };

const isString = (v: unknown): v is string => typeof v === 'string';
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function header(hex: unknown): { header: BlockHeader; hash: string; height: number } | undefined {
  if (!isString(hex)) return undefined;
  try {
    const h = decodeBlockHeader(hex);
    return { header: h, hash: blockHashDisplay(h), height: h.height };
  } catch {
    return undefined;
  }
}

/** Parse a dcrd notification; undefined for methods we don't type or malformed params. */
export function parseDcrdNotification(
  method: string,
  params: readonly unknown[],
): DcrdNotification | undefined {
  switch (method) {
    case 'blockconnected': {
      const h = header(params[0]);
      const txs = params[1] ?? [];
      if (h === undefined || !isStringArray(txs)) return undefined;
      return { event: 'blockConnected', data: { ...h, filteredTxs: txs } };
    }
    case 'blockdisconnected': {
      const h = header(params[0]);
      return h === undefined ? undefined : { event: 'blockDisconnected', data: h };
    }
    case 'winningtickets': {
      const [blockHash, height, tickets] = params;
      if (!isString(blockHash) || typeof height !== 'number') return undefined;
      if (typeof tickets !== 'object' || tickets === null) return undefined;
      // An object keyed "0".."4"; the keys carry no meaning beyond uniqueness.
      const list = Object.values(tickets as Record<string, unknown>);
      if (!isStringArray(list)) return undefined;
      return { event: 'winningTickets', data: { blockHash, height, tickets: list } };
    }
    case 'newtickets': {
      const [blockHash, height, stakeDiff, tickets] = params;
      if (!isString(blockHash) || typeof height !== 'number' || typeof stakeDiff !== 'number') {
        return undefined;
      }
      const list = tickets ?? [];
      if (!isStringArray(list)) return undefined;
      return {
        event: 'newTickets',
        data: { blockHash, height, stakeDifficulty: BigInt(stakeDiff), tickets: list },
      };
    }
    default:
      return undefined;
  }
}
