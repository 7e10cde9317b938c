// The legacy pool's voter (what stakepoold + dcrwallet's generatevote did): on every
// winningtickets notification from dcrd, look the winners up in the database, build and sign a
// vote for each pool ticket that may vote (live, valid or admin-added) with its user's vote bits,
// and send them all to dcrd at once. Any number of voters may run on one database: for the same
// ticket, block and bits they build the same bytes, and dcrd's "already have it" answer (or its
// "ticket already votes on this block" when the bits changed between two voters' reads) is
// success. Nothing here throws out of the event handler: a failing database or RPC is logged.
// With a fallback (src/voting/votable-cache.ts), a database that fails or is slow to answer
// costs no votes: the winners are looked up in the voter's own snapshot instead.
import { performance } from 'node:perf_hooks';
import type { JobLog } from '../chain/log.ts';
import { SILENT_LOG } from '../chain/log.ts';
import type { NetParams } from '../dcr/params.ts';
import { encodeTx, txid as txidOf } from '../dcr/tx.ts';
import { toHex } from '../dcr/bytes.ts';
import type { WinningTickets } from '../rpc/notifications.ts';
import { RpcErrorCode, isRpcError } from '../rpc/errors.ts';
import { currentVoteVersion } from '../vsp/agendas.ts';
import { loadVotingKey } from '../pool/voting-key.ts';
import type { VotingKeyOptions } from '../pool/voting-key.ts';
import { poolVoteBits, poolVoteTx } from './pool-vote.ts';

/** A winning pool ticket that may vote, with its owner's preferences (src/db pool-tickets). */
export interface VotableTicket {
  hash: string;
  userId: number;
  ticketHex: string;
  /** The user's 1-of-2 multisig redeem script, hex. */
  redeemScript: string;
  voteBits: number;
  voteBitsVersion: number;
}

/** The database side: `(hashes) => votablePoolTickets(db, hashes)` from src/db/pool-tickets.ts. */
export interface VotableTicketSource {
  votablePoolTickets(hashes: readonly string[]): Promise<VotableTicket[]>;
}

/**
 * The voter's own snapshot, asked when the database fails (VotableCache fits): it answers from
 * what the database held when the snapshot was taken.
 */
export interface VotableFallback {
  /** When the snapshot was taken (ms since the epoch); undefined while there is none. */
  readonly takenAt: number | undefined;
  lookup(hashes: readonly string[]): { tickets: VotableTicket[]; ageMs: number } | undefined;
  /** Told after each block's votes were handed to dcrd (the cache refreshes, throttled). */
  blockHandled?(): void;
}

/** What the voter needs of dcrd (src/rpc DcrdClient fits, created with notifyWinningTickets). */
export interface PoolVoterNode {
  on(event: 'winningTickets', listener: (w: WinningTickets) => void): unknown;
  off(event: 'winningTickets', listener: (w: WinningTickets) => void): unknown;
  sendRawTransaction(hex: string): Promise<string>;
  /** Asks dcrd to notify the current tips' winners again (after a reconnect). */
  rebroadcastWinners?(): Promise<unknown>;
}

/** dcrd's connection (src/rpc RpcClient fits: dcrd.rpc): 'ready' after every (re)connect. */
export interface PoolVoterConnection {
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** The pool's signing keys (src/pool/voting-key.ts PoolVotingKey fits). */
export interface PoolSigningKeys {
  privateKey(userId: number): Uint8Array;
}

export interface PoolVoterOptions {
  dcrd: PoolVoterNode;
  tickets: VotableTicketSource;
  keys: PoolSigningKeys;
  net: NetParams;
  /** On reconnect the voter asks dcrd to rebroadcast the winners, so no tip goes unvoted. */
  connection?: PoolVoterConnection;
  /** Vote version written into votes and required of users' bits; default the network's newest. */
  voteVersion?: number;
  log?: JobLog;
  /** Millisecond clock for latencies (default performance.now). */
  now?: () => number;
  /** Called once per vote after dcrd answered (metrics, benchmarks). */
  onVote?: (r: PoolVoteResult) => void;
  /** Called after each block's winners were handled, once lastBlock is set (the heartbeat). */
  onBlock?: (s: BlockVoteSummary) => void;
  /** Pauses before retrying a failed database lookup (default 100 ms, 500 ms, 2 s). */
  lookupRetryMs?: readonly number[];
  /**
   * Asked at the first failed database lookup, instead of retrying, once it holds a snapshot.
   * Without one (or before its first snapshot) the lookup is retried as usual.
   */
  fallback?: VotableFallback;
  /**
   * While the fallback holds a snapshot, a database lookup slower than this counts as failed
   * (default 2000 ms): a vote is worth most in the first seconds of a block.
   */
  lookupTimeoutMs?: number;
}

export type PoolVoteStatus = 'sent' | 'duplicate' | 'failed';

export interface PoolVoteResult {
  ticket: string;
  userId: number;
  blockHash: string;
  height: number;
  voteBits: number;
  status: PoolVoteStatus;
  /** The vote's txid; undefined when it could not be built. */
  txid: string | undefined;
  /** Notification received → vote handed to dcrd's connection. */
  ms: number;
  /** Notification received → dcrd's answer. */
  answerMs: number;
  error?: string;
}

export interface BlockVoteSummary {
  blockHash: string;
  height: number;
  winners: number;
  /** Winners that are votable pool tickets. */
  ours: number;
  sent: number;
  duplicates: number;
  failed: number;
  /** The database lookup failed: none of this block's votes were attempted. */
  lookupFailed: boolean;
  /** Set when the winners were looked up in the fallback snapshot: its age in seconds. */
  cacheAgeS?: number;
  /** Notification received → last answer. */
  ms: number;
}

/** dcrd's mempool message when the ticket already has another vote on the same block. */
const ALREADY_VOTES = /already votes on block/;

/**
 * Whether a sendrawtransaction error means another voter got there first: the same vote is in
 * the mempool or recently mined (-40, ErrRPCDuplicateTx: "already have transaction …"), or a vote
 * with other bits already spends the ticket for this block (-1 rule error, mempool
 * ErrAlreadyVoted: "vote … spending ticket … already votes on block …").
 */
export function isDuplicateVoteError(e: unknown): boolean {
  if (isRpcError(e, RpcErrorCode.DuplicateTx)) return true;
  return isRpcError(e, RpcErrorCode.Misc) && ALREADY_VOTES.test(e.message);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

// The database lookup is retried briefly: a vote is only useful until the next block (minutes),
// and a pool failover or dropped connection often heals within a second.
const LOOKUP_RETRY_MS: readonly number[] = [100, 500, 2000];
const LOOKUP_TIMEOUT_MS = 2000;

interface Lookup {
  tickets: VotableTicket[];
  /** Defined when the fallback answered. */
  cacheAgeS?: number;
}

export class PoolVoter {
  readonly #o: PoolVoterOptions;
  readonly #log: JobLog;
  readonly #now: () => number;
  readonly #voteVersion: number;
  readonly #inFlight = new Set<Promise<BlockVoteSummary>>();
  #state: 'new' | 'running' | 'stopped' = 'new';
  #last: (BlockVoteSummary & { at: number }) | undefined;

  readonly #onWinners = (w: WinningTickets): void => {
    const receivedAt = this.#now();
    if (this.#state !== 'running') return;
    const p = this.handle(w, receivedAt);
    this.#inFlight.add(p);
    void p.finally(() => this.#inFlight.delete(p));
  };

  readonly #onReady = (): void => {
    const dcrd = this.#o.dcrd;
    if (this.#state !== 'running' || dcrd.rebroadcastWinners === undefined) return;
    dcrd.rebroadcastWinners().catch((err: unknown) => {
      this.#log.warn({ err: errorText(err) }, 'rebroadcastwinners failed');
    });
  };

  constructor(options: PoolVoterOptions) {
    this.#o = options;
    this.#log = options.log ?? SILENT_LOG;
    this.#now = options.now ?? (() => performance.now());
    this.#voteVersion = options.voteVersion ?? currentVoteVersion(options.net.name);
  }

  get voteVersion(): number {
    return this.#voteVersion;
  }

  get running(): boolean {
    return this.#state === 'running';
  }

  /** The last block whose winners were handled, with when (ms since the epoch); for /status. */
  get lastBlock(): (BlockVoteSummary & { at: number }) | undefined {
    return this.#last;
  }

  /** Subscribe to winningtickets (and reconnects). Idempotent; a stopped voter stays stopped. */
  start(): void {
    if (this.#state !== 'new') return;
    this.#state = 'running';
    this.#o.dcrd.on('winningTickets', this.#onWinners);
    this.#o.connection?.on('ready', this.#onReady);
    this.#log.info({ voteVersion: this.#voteVersion }, 'pool voter started');
  }

  /** Unsubscribe, then wait for the votes already under way. */
  async stop(): Promise<void> {
    if (this.#state === 'running') {
      this.#o.dcrd.off('winningTickets', this.#onWinners);
      this.#o.connection?.off('ready', this.#onReady);
      this.#log.info({}, 'pool voter stopped');
    }
    this.#state = 'stopped';
    await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Vote the pool's tickets among `w`'s winners. Never rejects. `receivedAt` (the clock's time
   * of the notification) defaults to now.
   */
  async handle(w: WinningTickets, receivedAt: number = this.#now()): Promise<BlockVoteSummary> {
    const summary: BlockVoteSummary = {
      blockHash: w.blockHash,
      height: w.height,
      winners: w.tickets.length,
      ours: 0,
      sent: 0,
      duplicates: 0,
      failed: 0,
      lookupFailed: false,
      ms: 0,
    };
    try {
      const found = await this.#lookup(w);
      if (found === undefined) {
        summary.lookupFailed = true;
      } else {
        const { tickets } = found;
        if (found.cacheAgeS !== undefined) summary.cacheAgeS = found.cacheAgeS;
        summary.ours = tickets.length;
        // Each vote is built and handed to dcrd before the next one is built; the sends then
        // run concurrently.
        const results = await Promise.all(tickets.map((t) => this.#voteOne(t, w, receivedAt)));
        for (const r of results) {
          if (r.status === 'sent') summary.sent++;
          else if (r.status === 'duplicate') summary.duplicates++;
          else summary.failed++;
        }
      }
    } catch (err) {
      // Only a bug gets here (#voteOne and #lookup catch their own failures).
      this.#log.error(
        { height: w.height, block: w.blockHash, err: errorText(err) },
        'voting failed',
      );
    }
    summary.ms = round(this.#now() - receivedAt);
    this.#last = { ...summary, at: Date.now() };
    const { blockHash: block, ...counts } = summary;
    const line = { block, ...counts };
    if (summary.ours > 0 || summary.lookupFailed) this.#log.info(line, 'winning tickets voted');
    else this.#log.debug(line, 'no pool tickets among the winners');
    // The votes are out: a good moment for the fallback to read the database again.
    try {
      this.#o.fallback?.blockHandled?.();
    } catch (err) {
      this.#log.warn({ err: errorText(err) }, 'voter cache refresh could not start');
    }
    try {
      this.#o.onBlock?.(summary);
    } catch (err) {
      this.#log.warn({ err: errorText(err) }, 'onBlock failed');
    }
    return summary;
  }

  async #lookup(w: WinningTickets): Promise<Lookup | undefined> {
    if (w.tickets.length === 0) return { tickets: [] };
    for (let attempt = 0; ; attempt++) {
      try {
        return { tickets: await this.#query(w.tickets) };
      } catch (err) {
        const retryIn = (this.#o.lookupRetryMs ?? LOOKUP_RETRY_MS)[attempt];
        const fields = { height: w.height, block: w.blockHash, err: errorText(err) };
        const cached = this.#fromFallback(w, fields);
        if (cached !== undefined) return cached;
        if (retryIn === undefined || this.#state === 'stopped') {
          this.#log.error(fields, 'cannot look up the winning tickets; this block is not voted');
          return undefined;
        }
        this.#log.warn({ ...fields, retryIn }, 'winning tickets lookup failed; retrying');
        await new Promise((resolve) => setTimeout(resolve, retryIn));
      }
    }
  }

  /** The database lookup, bounded in time while the fallback could answer instead. */
  #query(hashes: readonly string[]): Promise<VotableTicket[]> {
    const lookup = this.#o.tickets.votablePoolTickets(hashes);
    if (this.#o.fallback?.takenAt === undefined) return lookup;
    const ms = this.#o.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    });
    // A late answer (or failure) of the abandoned lookup is dropped: race() handles both.
    return Promise.race([lookup, late]).finally(() => clearTimeout(timer));
  }

  #fromFallback(w: WinningTickets, fields: Record<string, unknown>): Lookup | undefined {
    let cached: ReturnType<VotableFallback['lookup']>;
    try {
      cached = this.#o.fallback?.lookup(w.tickets);
    } catch (err) {
      this.#log.error({ ...fields, cacheErr: errorText(err) }, 'voter cache lookup failed');
      return undefined;
    }
    if (cached === undefined) return undefined;
    const cacheAgeS = Math.round(cached.ageMs / 1000);
    this.#log.warn(
      { ...fields, cacheAgeS, ours: cached.tickets.length },
      'winning tickets lookup failed; voting from the voter cache (tickets bought and vote ' +
        'bits changed since it was taken are not in it)',
    );
    return { tickets: cached.tickets, cacheAgeS };
  }

  async #voteOne(t: VotableTicket, w: WinningTickets, receivedAt: number): Promise<PoolVoteResult> {
    const voteBits = poolVoteBits(t, this.#voteVersion);
    const result: PoolVoteResult = {
      ticket: t.hash,
      userId: t.userId,
      blockHash: w.blockHash,
      height: w.height,
      voteBits,
      status: 'failed',
      txid: undefined,
      ms: 0,
      answerMs: 0,
    };
    let hex: string;
    try {
      const tx = poolVoteTx({
        ticketHex: t.ticketHex,
        ticketHash: t.hash,
        redeemScript: t.redeemScript,
        blockHash: w.blockHash,
        height: w.height,
        voteBits,
        voteVersion: this.#voteVersion,
        net: this.#o.net,
        privKey: this.#o.keys.privateKey(t.userId),
      });
      hex = toHex(encodeTx(tx));
      result.txid = txidOf(tx);
    } catch (err) {
      result.ms = result.answerMs = round(this.#now() - receivedAt);
      result.error = errorText(err);
      this.#log.error(this.#fields(result), 'cannot build the vote');
      this.#o.onVote?.(result);
      return result;
    }
    let sending: Promise<string>;
    try {
      sending = this.#o.dcrd.sendRawTransaction(hex);
    } catch (err) {
      sending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    result.ms = round(this.#now() - receivedAt);
    try {
      await sending;
      result.status = 'sent';
    } catch (err) {
      result.error = errorText(err);
      result.status = isDuplicateVoteError(err) ? 'duplicate' : 'failed';
    }
    result.answerMs = round(this.#now() - receivedAt);
    if (result.status === 'sent') this.#log.info(this.#fields(result), 'vote sent');
    else if (result.status === 'duplicate') {
      this.#log.info(this.#fields(result), 'vote already sent by another voter');
    } else this.#log.error(this.#fields(result), 'vote rejected or not sent');
    this.#o.onVote?.(result);
    return result;
  }

  #fields(r: PoolVoteResult): Record<string, unknown> {
    return {
      ticket: r.ticket,
      height: r.height,
      ms: r.ms,
      answerMs: r.answerMs,
      txid: r.txid,
      userId: r.userId,
      voteBits: r.voteBits,
      ...(r.error === undefined ? {} : { err: r.error }),
    };
  }
}

export interface CreatePoolVoterOptions extends Omit<PoolVoterOptions, 'keys'> {
  /** The key options of the loaded config (network is taken from `net`). */
  config: Pick<VotingKeyOptions, 'votingWalletExtPrv' | 'votingKeyFile' | 'votingWalletExtPub'>;
  /** Per-user keys kept derived (default 2048). */
  keyCacheSize?: number;
}

/**
 * The voter for `stakepool voter` and `stakepool serve`: loads and checks the voting key
 * (throws VotingKeyError, naming the options, when it is missing, not private, for another
 * network or not votingwalletextpub's), then start() subscribes and stop() drains.
 */
export function createPoolVoter(options: CreatePoolVoterOptions): PoolVoter {
  const { config, keyCacheSize, ...rest } = options;
  const keys = loadVotingKey({
    votingWalletExtPrv: config.votingWalletExtPrv,
    votingKeyFile: config.votingKeyFile,
    votingWalletExtPub: config.votingWalletExtPub,
    net: options.net,
    ...(keyCacheSize === undefined ? {} : { cacheSize: keyCacheSize }),
    onWarning: (message) => (options.log ?? SILENT_LOG).warn({}, message),
  });
  (options.log ?? SILENT_LOG).info({ xpub: keys.xpub }, 'voting key loaded');
  return new PoolVoter({ ...rest, keys });
}
