// The chain and voting-wallet access the VSP API needs, as small interfaces. The live
// implementations wrap src/rpc's DcrdClient and WalletClient; tests use object literals.
// Errors are the RPC clients' own: RpcError (with the node's code, e.g. -5 "no information
// for transaction", -40 duplicate tx) for node refusals, anything else for transport failures.
import { decodeBlockHeader } from '../dcr/block.ts';
import type { DcrdClient } from '../rpc/dcrd.ts';

/** What the VSP reads of a transaction from dcrd (getrawtransaction verbose). */
export interface RawTx {
  hex: string;
  /** 0 while in the mempool. */
  confirmations: number;
  /** Height of the block that mined it; 0 while in the mempool. */
  blockHeight: number;
}

export interface BestBlockHeader {
  height: number;
  /** Ticket price in atoms (the header's SBits). */
  sbits: bigint;
  /** Live tickets in the pool. */
  poolSize: number;
}

export interface VspDcrd {
  /** Throws RpcError −5 when dcrd (with txindex) has no such tx in the mempool or chain. */
  getRawTransaction(txid: string): Promise<RawTx>;
  /** Returns the txid. RpcError −40 if already known; an orphan message if inputs are unknown. */
  sendRawTransaction(hex: string): Promise<string>;
  existsLiveTicket(ticketHash: string): Promise<boolean>;
  getBestBlockHeader(): Promise<BestBlockHeader>;
}

/** The per-ticket vote settings calls of one dcrwallet (src/rpc WalletClient fits). */
export interface VotingWalletClient {
  setVoteChoice(agendaId: string, choiceId: string, ticketHash: string): Promise<unknown>;
  setTSpendPolicy(tspendHash: string, policy: string, ticketHash: string): Promise<unknown>;
  setTreasuryPolicy(key: string, policy: string, ticketHash: string): Promise<unknown>;
}

export interface VotingWallet {
  /** For logs, e.g. the wallet's RPC URL. */
  name: string;
  client: VotingWalletClient;
}

export interface VotingWallets {
  /**
   * The voting wallets usable right now (connected and passing the health checks), and how many
   * are configured in all.
   */
  connected(): Promise<{ online: readonly VotingWallet[]; total: number }>;
}

/** VspDcrd over the RPC client: the header comes raw, so SBits stays exact in atoms. */
export function vspDcrd(client: DcrdClient): VspDcrd {
  return {
    async getRawTransaction(txid) {
      const r = await client.getRawTransactionVerbose(txid);
      return { hex: r.hex, confirmations: r.confirmations ?? 0, blockHeight: r.blockheight ?? 0 };
    },
    sendRawTransaction: (hex) => client.sendRawTransaction(hex),
    existsLiveTicket: (hash) => client.existsLiveTicket(hash),
    async getBestBlockHeader() {
      const hash = await client.getBestBlockHash();
      const h = decodeBlockHeader(await client.getBlockHeaderHex(hash));
      return { height: h.height, sbits: h.sbits, poolSize: h.poolSize };
    },
  };
}
