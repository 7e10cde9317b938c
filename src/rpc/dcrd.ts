// Typed wrappers for the dcrd JSON-RPC methods stakepool uses, named after the methods. Amounts
// dcrd reports in DCR (floats) are converted to atoms (bigint) where stakepool uses them.
import { EventEmitter } from 'node:events';
import type { NetParams } from '../dcr/params.ts';
import type { CallOptions, RpcCaller, RpcClientOptions } from './client.ts';
import { RpcClient } from './client.ts';
import { RpcSetupError } from './errors.ts';
import type { VersionMap } from './version.ts';
import { checkApiAndNetwork } from './version.ts';
import type { DcrdEvents } from './notifications.ts';
import { parseDcrdNotification } from './notifications.ts';

export { describeNet } from './version.ts';

/** dcrd 2.1.x serves JSON-RPC API 8.3. */
export const DCRD_MIN_API = { major: 8, minor: 3, patch: 0 } as const;

/** A `getcurrentnet` magic as "mainnet (0xd9b400f9)", so a mismatch names both networks. */
/** Convert a DCR float from a node reply to atoms without floating-point drift. */
export function dcrToAtoms(dcr: number): bigint {
  return BigInt(Math.round(dcr * 1e8));
}

export interface BestBlock {
  hash: string;
  height: number;
}

export interface BlockHeaderVerbose {
  hash: string;
  confirmations: number;
  version: number;
  merkleroot: string;
  stakeroot: string;
  votebits: number;
  finalstate: string;
  voters: number;
  freshstake: number;
  revocations: number;
  poolsize: number;
  bits: string;
  sbits: number;
  height: number;
  size: number;
  time: number;
  nonce: number;
  extradata: string;
  stakeversion: number;
  difficulty: number;
  chainwork: string;
  previousblockhash?: string;
  nextblockhash?: string;
}

export interface BlockVerbose extends BlockHeaderVerbose {
  tx?: string[];
  stx?: string[];
  rawtx?: TxVerbose[];
  rawstx?: TxVerbose[];
}

export interface TxVerboseVin {
  coinbase?: string;
  stakebase?: string;
  treasurybase?: boolean;
  txid?: string;
  vout?: number;
  tree?: number;
  sequence: number;
  amountin: number;
  blockheight?: number;
  blockindex?: number;
  scriptSig?: { asm: string; hex: string };
}

export interface TxVerboseVout {
  value: number;
  n: number;
  version: number;
  scriptPubKey: {
    asm: string;
    hex: string;
    type: string;
    reqSigs?: number;
    addresses?: string[];
    commitamt?: number;
  };
}

export interface TxVerbose {
  hex: string;
  txid: string;
  version: number;
  locktime: number;
  expiry: number;
  vin: TxVerboseVin[];
  vout: TxVerboseVout[];
  blockhash?: string;
  blockheight?: number;
  blockindex?: number;
  confirmations?: number;
  time?: number;
  blocktime?: number;
}

export interface InfoResult {
  version: number;
  protocolversion: number;
  blocks: number;
  timeoffset: number;
  connections: number;
  proxy: string;
  difficulty: number;
  testnet: boolean;
  relayfee: number;
  errors: string;
  txindex: boolean;
}

export interface CFilterV2 {
  blockhash: string;
  data: string;
  proofindex: number;
  proofhashes: string[];
}

export interface StakeDifficulty {
  current: bigint;
  next: bigint;
}

/** Check that a freshly connected dcrd is usable: API version, network, txindex. */
export async function checkDcrd(
  c: RpcCaller,
  net: NetParams,
  requireTxIndex = true,
): Promise<void> {
  await checkApiAndNetwork(c, 'dcrd', 'dcrdjsonrpcapi', [DCRD_MIN_API], net);
  if (requireTxIndex) {
    const info = await c.call<InfoResult>('getinfo');
    if (!info.txindex) {
      throw new RpcSetupError('dcrd: the transaction index is off; restart dcrd with --txindex');
    }
  }
}

export interface DcrdClientOptions extends Omit<RpcClientOptions, 'onConnect'> {
  net: NetParams;
  /** Refuse a dcrd without --txindex (default true). */
  requireTxIndex?: boolean;
  /** Subscriptions redone on every connection. */
  notifyBlocks?: boolean;
  notifyWinningTickets?: boolean;
  notifyNewTickets?: boolean;
}

/**
 * dcrd over websocket; re-subscribes to notifications after every reconnect and emits them as
 * typed events (blockConnected, blockDisconnected, winningTickets, newTickets). The raw stream
 * stays available as `rpc.on('notification')`.
 */
export class DcrdClient extends EventEmitter<DcrdEvents> {
  readonly rpc: RpcClient;
  readonly net: NetParams;

  constructor(options: DcrdClientOptions) {
    super();
    this.net = options.net;
    this.rpc = new RpcClient({
      name: 'dcrd',
      ...options,
      onConnect: async (c) => {
        await checkDcrd(c, options.net, options.requireTxIndex ?? true);
        if (options.notifyBlocks === true) await c.call('notifyblocks');
        if (options.notifyWinningTickets === true) await c.call('notifywinningtickets');
        if (options.notifyNewTickets === true) await c.call('notifynewtickets');
      },
    });
    this.rpc.on('notification', (method, params) => {
      const n = parseDcrdNotification(method, params);
      if (n === undefined) {
        if (method !== 'txaccepted' && method !== 'txacceptedverbose') {
          options.logger?.warn({ client: 'dcrd', method }, 'ignoring an unrecognised notification');
        }
        return;
      }
      switch (n.event) {
        case 'blockConnected':
          this.emit('blockConnected', n.data);
          break;
        case 'blockDisconnected':
          this.emit('blockDisconnected', n.data);
          break;
        case 'winningTickets':
          this.emit('winningTickets', n.data);
          break;
        case 'newTickets':
          this.emit('newTickets', n.data);
          break;
      }
    });
  }

  connect(o?: CallOptions): Promise<void> {
    return this.rpc.connect(o);
  }

  close(): void {
    this.rpc.close();
  }

  getBestBlock(o?: CallOptions): Promise<BestBlock> {
    return this.rpc.call('getbestblock', [], o);
  }

  getBestBlockHash(o?: CallOptions): Promise<string> {
    return this.rpc.call('getbestblockhash', [], o);
  }

  getBlockCount(o?: CallOptions): Promise<number> {
    return this.rpc.call('getblockcount', [], o);
  }

  getBlockHash(height: number, o?: CallOptions): Promise<string> {
    return this.rpc.call('getblockhash', [height], o);
  }

  /** Raw block hex. */
  getBlockHex(hash: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('getblock', [hash, false], o);
  }

  getBlock(hash: string, verboseTx = false, o?: CallOptions): Promise<BlockVerbose> {
    return this.rpc.call('getblock', [hash, true, verboseTx], o);
  }

  getBlockHeader(hash: string, o?: CallOptions): Promise<BlockHeaderVerbose> {
    return this.rpc.call('getblockheader', [hash, true], o);
  }

  getBlockHeaderHex(hash: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('getblockheader', [hash, false], o);
  }

  getRawTransaction(txid: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('getrawtransaction', [txid, 0], o);
  }

  getRawTransactionVerbose(txid: string, o?: CallOptions): Promise<TxVerbose> {
    return this.rpc.call('getrawtransaction', [txid, 1], o);
  }

  /** Returns the txid; a duplicate (-40) is thrown as an RpcError for the caller to judge. */
  sendRawTransaction(hex: string, allowHighFees = false, o?: CallOptions): Promise<string> {
    return this.rpc.call('sendrawtransaction', [hex, allowHighFees], o);
  }

  /** Which of the tickets are live, in the order given. */
  async existsLiveTickets(tickets: readonly string[], o?: CallOptions): Promise<boolean[]> {
    if (tickets.length === 0) return [];
    const bitsetHex = await this.rpc.call<string>('existslivetickets', [tickets], o);
    const bits = Buffer.from(bitsetHex, 'hex');
    return tickets.map((_, i) => ((bits[i >> 3] ?? 0) & (1 << (i & 7))) !== 0);
  }

  existsLiveTicket(ticket: string, o?: CallOptions): Promise<boolean> {
    return this.rpc.call('existsliveticket', [ticket], o);
  }

  async getStakeDifficulty(o?: CallOptions): Promise<StakeDifficulty> {
    const r = await this.rpc.call<{ current: number; next: number }>('getstakedifficulty', [], o);
    return { current: dcrToAtoms(r.current), next: dcrToAtoms(r.next) };
  }

  getCFilterV2(blockHash: string, o?: CallOptions): Promise<CFilterV2> {
    return this.rpc.call('getcfilterv2', [blockHash], o);
  }

  async ticketsForAddress(address: string, o?: CallOptions): Promise<string[]> {
    const r = await this.rpc.call<{ tickets: string[] | null }>('ticketsforaddress', [address], o);
    return r.tickets ?? [];
  }

  async liveTickets(o?: CallOptions): Promise<string[]> {
    const r = await this.rpc.call<{ tickets: string[] | null }>('livetickets', [], o);
    return r.tickets ?? [];
  }

  /** Subsidy of a block at `height` with `voters` votes: `pos` is for all of them (voters = 1
   * gives one vote's subsidy, with the split active for that block). */
  getBlockSubsidy(
    height: number,
    voters: number,
    o?: CallOptions,
  ): Promise<{ developer: number; pos: number; pow: number; total: number }> {
    return this.rpc.call('getblocksubsidy', [height, voters], o);
  }

  getVoteInfo(version: number, o?: CallOptions): Promise<unknown> {
    return this.rpc.call('getvoteinfo', [version], o);
  }

  getBlockchainInfo(o?: CallOptions): Promise<Record<string, unknown>> {
    return this.rpc.call('getblockchaininfo', [], o);
  }

  notifyBlocks(o?: CallOptions): Promise<null> {
    return this.rpc.call('notifyblocks', [], o);
  }

  notifyWinningTickets(o?: CallOptions): Promise<null> {
    return this.rpc.call('notifywinningtickets', [], o);
  }

  notifyNewTickets(o?: CallOptions): Promise<null> {
    return this.rpc.call('notifynewtickets', [], o);
  }

  rebroadcastWinners(o?: CallOptions): Promise<null> {
    return this.rpc.call('rebroadcastwinners', [], o);
  }

  getInfo(o?: CallOptions): Promise<InfoResult> {
    return this.rpc.call('getinfo', [], o);
  }

  version(o?: CallOptions): Promise<VersionMap> {
    return this.rpc.call('version', [], o);
  }

  getCurrentNet(o?: CallOptions): Promise<number> {
    return this.rpc.call('getcurrentnet', [], o);
  }

  // Simnet/regnet mining (dcrd --miningaddr).
  generate(blocks: number, o?: CallOptions): Promise<string[]> {
    return this.rpc.call('generate', [blocks], o);
  }

  regenTemplate(o?: CallOptions): Promise<null> {
    return this.rpc.call('regentemplate', [], o);
  }
}
