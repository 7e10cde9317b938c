// Typed wrappers for the dcrwallet JSON-RPC methods stakepool uses, named after the methods.
// Works with dcrwallet 2.1.x (API 11.x) and, for the legacy ticket buyer, 2.0.x (API 9.x).
import type { NetParams } from '../dcr/params.ts';
import type { CallOptions, RpcCaller, RpcClientOptions } from './client.ts';
import { RpcClient } from './client.ts';
import { RpcSetupError } from './errors.ts';
import type { SemVer } from './version.ts';
import { checkApiAndNetwork } from './version.ts';
import { dcrToAtoms } from './dcrd.ts';

/** dcrwallet 2.1.x serves JSON-RPC API 11.x. */
export const WALLET_API_2_1: SemVer = { major: 11, minor: 0, patch: 0 };
/** dcrwallet 2.0.x (the last that buys legacy stake-pool tickets) serves 9.2. */
export const WALLET_API_2_0: SemVer = { major: 9, minor: 2, patch: 0 };

export interface WalletInfo {
  daemonconnected: boolean;
  spv?: boolean;
  unlocked: boolean;
  cointype?: number;
  txfee: number;
  votebits: number;
  votebitsextended: string;
  voteversion: number;
  voting: boolean;
  vsp?: string;
  manualtickets: boolean;
}

export interface SyncStatus {
  synced: boolean;
  initialblockdownload: boolean;
  headersfetchprogress: number;
}

export interface ValidateAddressResult {
  isvalid: boolean;
  address?: string;
  ismine?: boolean;
  iswatchonly?: boolean;
  isscript?: boolean;
  pubkeyaddr?: string;
  pubkey?: string;
  iscompressed?: boolean;
  account?: string;
  addresses?: string[];
  hex?: string;
  script?: string;
  sigsrequired?: number;
  accountn?: number;
  branch?: number;
  index?: number;
}

export interface CreateMultisigResult {
  address: string;
  redeemScript: string;
}

export interface TicketInfo {
  hash: string;
  cost: number;
  votingaddress: string;
  status: string;
  blockhash?: string;
  blockheight?: number;
  vote?: string;
  revocation?: string;
  choices?: { agendaid: string; choiceid: string }[];
  vsphost?: string;
}

export interface StakeInfo {
  blockheight: number;
  difficulty: number;
  totalsubsidy: number;
  ownmempooltix: number;
  immature: number;
  unspent: number;
  voted: number;
  revoked: number;
  unspentexpired: number;
  poolsize?: number;
  allmempooltix?: number;
  live?: number;
  proportionlive?: number;
  missed?: number;
  proportionmissed?: number;
  expired?: number;
}

export interface UnspentOutput {
  txid: string;
  vout: number;
  tree: number;
  txtype: number;
  address?: string;
  account?: string;
  scriptPubKey: string;
  amount: number;
  confirmations: number;
  spendable: boolean;
  redeemScript?: string;
}

export interface SignRawResult {
  hex: string;
  complete: boolean;
  errors?: unknown[];
}

/** Check that a freshly connected wallet is usable: API version and network. */
export async function checkWallet(
  c: RpcCaller,
  net: NetParams,
  accepted: readonly SemVer[] = [WALLET_API_2_1],
): Promise<void> {
  await checkApiAndNetwork(c, 'dcrwallet', 'dcrwalletjsonrpcapi', accepted, net);
}

export interface WalletClientOptions extends Omit<RpcClientOptions, 'onConnect'> {
  net: NetParams;
  /** Accepted wallet API versions (default: 2.1.x only). */
  apiVersions?: readonly SemVer[];
  /**
   * A pool voting wallet: refuse one in SPV mode (it cannot vote) and warn when voting, unlocking
   * or manual tickets are off, as vspd does at every connection.
   */
  votingWallet?: boolean;
}

/**
 * The checks vspd makes of a voting wallet. An RPC-synced wallet's `version` reply includes
 * dcrd's own entries (it forwards the call); an SPV wallet has none and cannot vote.
 */
export async function checkVotingWallet(c: RpcCaller, warn: (msg: string) => void): Promise<void> {
  const versions = await c.call<Record<string, unknown>>('version');
  if (versions['dcrdjsonrpcapi'] === undefined) {
    throw new RpcSetupError(
      'dcrwallet: the wallet is not connected to dcrd over RPC (SPV mode?); a voting wallet needs --rpcconnect',
    );
  }
  const info = await c.call<WalletInfo>('walletinfo');
  if (!info.voting) warn('voting is off on this voting wallet (start it with --enablevoting)');
  if (!info.unlocked) warn('this voting wallet is locked; it cannot vote (set pass= or unlock it)');
  if (!info.manualtickets) warn('manualtickets is off on this voting wallet (vspd requires it)');
}

export class WalletClient {
  readonly rpc: RpcClient;
  readonly net: NetParams;

  constructor(options: WalletClientOptions) {
    this.net = options.net;
    this.rpc = new RpcClient({
      name: 'dcrwallet',
      ...options,
      onConnect: async (c) => {
        await checkWallet(c, options.net, options.apiVersions);
        if (options.votingWallet === true) {
          await checkVotingWallet(c, (msg) => options.logger?.warn({ client: this.rpc.name }, msg));
        }
      },
    });
  }

  connect(o?: CallOptions): Promise<void> {
    return this.rpc.connect(o);
  }

  close(): void {
    this.rpc.close();
  }

  /** Whether the wallet finished its startup sync with dcrd (address discovery, rescan). */
  syncStatus(o?: CallOptions): Promise<SyncStatus> {
    return this.rpc.call('syncstatus', [], o);
  }

  getBestBlock(o?: CallOptions): Promise<{ hash: string; height: number }> {
    return this.rpc.call('getbestblock', [], o);
  }

  walletInfo(o?: CallOptions): Promise<WalletInfo> {
    return this.rpc.call('walletinfo', [], o);
  }

  /** Import a WIF key without rescanning (vspd passes label "imported", rescan false). */
  importPrivKey(
    wif: string,
    label = 'imported',
    rescan = false,
    scanFrom?: number,
    o?: CallOptions,
  ): Promise<null> {
    const params: unknown[] = [wif, label, rescan];
    if (scanFrom !== undefined) params.push(scanFrom);
    return this.rpc.call('importprivkey', params, o);
  }

  importScript(hex: string, rescan = false, scanFrom?: number, o?: CallOptions): Promise<null> {
    const params: unknown[] = [hex, rescan];
    if (scanFrom !== undefined) params.push(scanFrom);
    return this.rpc.call('importscript', params, o);
  }

  addTransaction(blockHash: string, txHex: string, o?: CallOptions): Promise<null> {
    return this.rpc.call('addtransaction', [blockHash, txHex], o);
  }

  /** Set a vote choice, for one ticket when `ticketHash` is given, else the wallet default. */
  setVoteChoice(
    agendaId: string,
    choiceId: string,
    ticketHash?: string,
    o?: CallOptions,
  ): Promise<null> {
    const params: unknown[] = [agendaId, choiceId];
    if (ticketHash !== undefined) params.push(ticketHash);
    return this.rpc.call('setvotechoice', params, o);
  }

  setTSpendPolicy(
    tspendHash: string,
    policy: string,
    ticketHash?: string,
    o?: CallOptions,
  ): Promise<null> {
    const params: unknown[] = [tspendHash, policy];
    if (ticketHash !== undefined) params.push(ticketHash);
    return this.rpc.call('settspendpolicy', params, o);
  }

  setTreasuryPolicy(
    key: string,
    policy: string,
    ticketHash?: string,
    o?: CallOptions,
  ): Promise<null> {
    const params: unknown[] = [key, policy];
    if (ticketHash !== undefined) params.push(ticketHash);
    return this.rpc.call('settreasurypolicy', params, o);
  }

  /** Tickets the wallet knows, from `startHeight` on. */
  async ticketInfo(startHeight = 0, o?: CallOptions): Promise<TicketInfo[]> {
    return (await this.rpc.call<TicketInfo[] | null>('ticketinfo', [startHeight], o)) ?? [];
  }

  rescanWallet(beginHeight?: number, o?: CallOptions): Promise<null> {
    return this.rpc.call('rescanwallet', beginHeight === undefined ? [] : [beginHeight], o);
  }

  getMasterPubKey(account?: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('getmasterpubkey', account === undefined ? [] : [account], o);
  }

  validateAddress(address: string, o?: CallOptions): Promise<ValidateAddressResult> {
    return this.rpc.call('validateaddress', [address], o);
  }

  createMultisig(
    nRequired: number,
    keys: readonly string[],
    o?: CallOptions,
  ): Promise<CreateMultisigResult> {
    return this.rpc.call('createmultisig', [nRequired, keys], o);
  }

  getStakeInfo(o?: CallOptions): Promise<StakeInfo> {
    return this.rpc.call('getstakeinfo', [], o);
  }

  signRawTransaction(hex: string, flags?: string, o?: CallOptions): Promise<SignRawResult> {
    const params: unknown[] = [hex];
    if (flags !== undefined) params.push([], [], flags);
    return this.rpc.call('signrawtransaction', params, o);
  }

  /** dcrwallet 2.1.x: purchaseticket(account, minconf, numtickets, expiry, comment, dontsigntx). */
  purchaseTicket(
    account = 'default',
    numTickets = 1,
    minConf = 1,
    o?: CallOptions,
  ): Promise<string[]> {
    return this.rpc.call('purchaseticket', [account, minConf, numTickets], o);
  }

  /**
   * dcrwallet 2.0.x legacy stake-pool purchase: purchaseticket(account, spendlimit, minconf,
   * ticketaddress, numtickets, pooladdress, poolfees%).
   */
  purchaseLegacyPoolTicket(
    args: {
      ticketAddress: string;
      poolAddress: string;
      poolFeePercent: number;
      numTickets?: number;
      account?: string;
      minConf?: number;
    },
    o?: CallOptions,
  ): Promise<string[]> {
    return this.rpc.call(
      'purchaseticket',
      [
        args.account ?? 'default',
        0,
        args.minConf ?? 1,
        args.ticketAddress,
        args.numTickets ?? 1,
        args.poolAddress,
        args.poolFeePercent,
      ],
      o,
    );
  }

  async listUnspent(minConf = 1, o?: CallOptions): Promise<UnspentOutput[]> {
    return this.rpc.call('listunspent', [minConf], o);
  }

  getNewAddress(account = 'default', o?: CallOptions): Promise<string> {
    return this.rpc.call('getnewaddress', [account], o);
  }

  sendToAddress(address: string, atoms: bigint, o?: CallOptions): Promise<string> {
    return this.rpc.call('sendtoaddress', [address, Number(atoms) / 1e8], o);
  }

  dumpPrivKey(address: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('dumpprivkey', [address], o);
  }

  signMessage(address: string, message: string, o?: CallOptions): Promise<string> {
    return this.rpc.call('signmessage', [address, message], o);
  }

  async getBalance(account = 'default', minConf = 1, o?: CallOptions): Promise<bigint> {
    const r = await this.rpc.call<{ balances: { accountname: string; spendable: number }[] }>(
      'getbalance',
      [account, minConf],
      o,
    );
    const acct = r.balances.find((b) => b.accountname === account);
    return dcrToAtoms(acct?.spendable ?? 0);
  }

  walletPassphrase(pass: string, timeoutSeconds = 0, o?: CallOptions): Promise<null> {
    return this.rpc.call('walletpassphrase', [pass, timeoutSeconds], o);
  }
}
