// What the VSP pipeline's steps (src/chain/vsp-steps) receive: the resolved options, the dcrd and
// wallet calls they make, and the state of one run, plus the RPC error tests they share.
import type { NetParams } from '../../dcr/params.ts';
import type { Db } from '../../db/transaction.ts';
import type { TxVerbose } from '../../rpc/dcrd.ts';
import { isRpcError, RpcConnectionError, RpcErrorCode } from '../../rpc/errors.ts';
import type { AddTicketResult, MinedTicket, TicketForWallets } from '../../voting/vsp-wallets.ts';
import type { JobLog } from '../log.ts';
import type { CallSignal, ChainReader } from '../outcomes.ts';

export type TxLookup = Pick<TxVerbose, 'hex' | 'confirmations' | 'blockhash' | 'blockheight'>;

/** The dcrd calls the pipeline makes (src/rpc DcrdClient fits). */
export interface PipelineDcrd extends ChainReader {
  /** RpcError −5 when dcrd (with txindex) knows no such tx. */
  getRawTransactionVerbose(txid: string, o?: CallSignal): Promise<TxLookup>;
  /** RpcError −40 when dcrd already has it. */
  sendRawTransaction(hex: string): Promise<string>;
}

/** Where confirmed tickets go (src/voting VspVotingWallets fits). */
export interface TicketWallets {
  addTicketToWallets(ticket: TicketForWallets, mined: MinedTicket): Promise<AddTicketResult>;
}

/** The options with every default filled in: what the steps receive. */
export interface PipelineDeps {
  db: Db;
  dcrd: PipelineDcrd;
  wallets: TicketWallets;
  net: Pick<NetParams, 'name' | 'ticketMaturity' | 'ticketExpiry'>;
  log: JobLog;
  confirmations: number;
  neverMinedGraceSeconds: number;
  progressEvery: number;
  now: () => number;
}

/** State of one run: dcrd answers shared by its steps, and the stop signal. */
export class PipelineRun {
  readonly signal: AbortSignal;
  private readonly txs = new Map<string, Promise<TxLookup>>();
  /** Set once a lookup found dcrd unreachable: later lookups of the run fail at once. */
  private unreachable: Error | undefined;

  constructor(signal: AbortSignal = new AbortController().signal) {
    this.signal = signal;
  }

  /** getrawtransaction, asked once per run per tx. */
  lookupTx(dcrd: PipelineDcrd, txid: string): Promise<TxLookup> {
    if (this.unreachable !== undefined) return Promise.reject(this.unreachable);
    let p = this.txs.get(txid);
    if (p === undefined) {
      p = dcrd.getRawTransactionVerbose(txid, { signal: this.signal });
      // Marked handled here; every caller still awaits it and sees the rejection.
      p.catch((err: unknown) => {
        if (err instanceof RpcConnectionError) this.unreachable = err;
      });
      this.txs.set(txid, p);
    }
    return p;
  }
}

export const isNoTxInfo = (err: unknown): boolean => isRpcError(err, RpcErrorCode.NoTxInfo);

/**
 * dcrd did not answer (down, timed out, or the pipeline is stopping): every further call of this
 * step would wait out its timeout too, so the step stops and the next block retries it.
 */
export const unreachable = (err: unknown): boolean => err instanceof RpcConnectionError;
