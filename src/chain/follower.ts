// Follows dcrd for the VSP: every connected or disconnected block, and every (re)connection to dcrd
// (notifications sent while the socket was down are lost), asks the pipeline for a run; the runs
// themselves are serialised by the pipeline and catch up from the scan point stored in the
// database, so a missed notification only delays work to the next one. The voting-wallet
// consistency check starts after the first run (vspd's startup order) and runs again whenever a
// voting wallet reconnects.
import type { JobLog } from './log.ts';
import { SILENT_LOG } from './log.ts';

type BlockEvent = 'blockConnected' | 'blockDisconnected';

/** Block notifications (src/rpc DcrdClient fits). */
export interface BlockEvents {
  on(event: BlockEvent, listener: (block: { height: number; hash: string }) => void): unknown;
  off(event: BlockEvent, listener: (block: { height: number; hash: string }) => void): unknown;
}

/** A connection that says when it is up again (src/rpc RpcClient fits: client.rpc). */
export interface ReadyEvents {
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

export interface FollowerPipeline {
  trigger(reason?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface FollowerConsistency {
  start(): void;
  check(): Promise<unknown>;
  stop(): Promise<void>;
}

export interface ChainFollowerOptions {
  dcrd: BlockEvents;
  /** dcrd's RPC connection: a run after each reconnect catches up what was missed. */
  dcrdConnection?: ReadyEvents;
  pipeline: FollowerPipeline;
  consistency?: FollowerConsistency;
  /** The voting wallets' RPC connections: a consistency check after each reconnect. */
  walletConnections?: readonly ReadyEvents[];
  log?: JobLog;
}

export class ChainFollower {
  private readonly o: ChainFollowerOptions;
  private readonly log: JobLog;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private startup: Promise<void> | undefined;

  private readonly onConnected = (b: { height: number; hash: string }): void => {
    void this.o.pipeline.trigger(`block ${b.height} connected`);
  };
  private readonly onDisconnected = (b: { height: number; hash: string }): void => {
    this.log.info({ height: b.height, hash: b.hash }, 'block disconnected');
    void this.o.pipeline.trigger(`block ${b.height} disconnected`);
  };
  private readonly onDcrdReady = (): void => {
    void this.o.pipeline.trigger('dcrd connected');
  };
  private readonly onWalletReady = (): void => {
    if (this.state === 'running') void this.o.consistency?.check();
  };

  constructor(options: ChainFollowerOptions) {
    this.o = options;
    this.log = options.log ?? SILENT_LOG;
  }

  /** Subscribe, run the pipeline once, then start the consistency check. */
  start(): void {
    if (this.state !== 'new') throw new Error('follower: start() may be called once');
    this.state = 'running';
    this.o.dcrd.on('blockConnected', this.onConnected);
    this.o.dcrd.on('blockDisconnected', this.onDisconnected);
    this.o.dcrdConnection?.on('ready', this.onDcrdReady);
    for (const w of this.o.walletConnections ?? []) w.on('ready', this.onWalletReady);
    this.startup = this.o.pipeline.trigger('startup').then(() => {
      if (this.state === 'running') this.o.consistency?.start();
    });
    this.log.info({}, 'chain follower started');
  }

  /** Resolves after the startup run (tests and the CLI's "ready" line). */
  async started(): Promise<void> {
    await this.startup;
  }

  /** Stop intake (no new runs), then wait for the running step and check to finish. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasRunning = this.state === 'running';
    this.state = 'stopped';
    if (wasRunning) {
      this.o.dcrd.off('blockConnected', this.onConnected);
      this.o.dcrd.off('blockDisconnected', this.onDisconnected);
      this.o.dcrdConnection?.off('ready', this.onDcrdReady);
      for (const w of this.o.walletConnections ?? []) w.off('ready', this.onWalletReady);
    }
    await Promise.all([this.o.pipeline.stop(), this.o.consistency?.stop()]);
    await this.startup;
    this.log.info({}, 'chain follower stopped');
  }
}
