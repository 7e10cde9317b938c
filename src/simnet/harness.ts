// A private Decred simnet made of the real binaries: one dcrd, a miner/voter wallet that buys
// tickets and votes so the chain passes stake validation height and keeps going, pool voting
// wallets (--enablevoting --manualtickets, as a VSP runs them), a dcrwallet 2.1.x customer and a
// dcrwallet 2.0.x legacy customer, both funded.
//
// The first start builds the chain (a minute or so) and saves the data directories as a snapshot
// in the cache; later starts copy the snapshot and are ready in seconds. Everything listens on
// 127.0.0.1 on free ports, so harnesses can run side by side.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashToDisplay } from '../dcr/bytes.ts';
import { voteBlockRef } from '../dcr/stake.ts';
import { decodeTx } from '../dcr/tx.ts';
import type { DcrdClient } from '../rpc/dcrd.ts';
import type { WalletClient } from '../rpc/wallet.ts';
import { decredBinaries } from './binaries.ts';
import type { DecredBinaries } from './binaries.ts';
import { freePort } from './ports.ts';
import { ManagedProcess, reapStale } from './processes.ts';

import {
  FUNDING_ATOMS,
  FUNDING_OUTPUTS,
  MAX_AHEAD_SECONDS,
  MINING_ADDRESS,
  RECONNECT,
  RPC_PASS,
  RPC_USER,
  RUN_PREFIX,
  SIMNET,
  SNAPSHOT_HEIGHT,
  TARGET_MINER_TICKETS,
  WALLET_PASS,
  dcrdClientFor,
  seedFor,
  snapshotDir,
  walletClientFor,
  walletSpecs,
} from './layout.ts';
import type { SimnetOptions, SimnetState, SimnetWallet, WalletSpec } from './layout.ts';

export { SIMNET, SNAPSHOT_HEIGHT } from './layout.ts';
export type { SimnetOptions, SimnetState, SimnetWallet, WalletRole, WalletSpec } from './layout.ts';

export class Simnet {
  readonly runDir: string;
  readonly bins: DecredBinaries;
  readonly wallets: SimnetWallet[] = [];
  readonly detached: boolean;
  dcrd!: DcrdClient;
  dcrdProcess: ManagedProcess | undefined;
  dcrdRpcPort = 0;
  dcrdP2pPort = 0;
  private readonly log: (msg: string) => void;
  private stopped = false;

  private constructor(runDir: string, options: SimnetOptions) {
    this.runDir = runDir;
    this.bins = decredBinaries();
    this.detached = options.detached === true;
    this.log = options.log ?? (() => {});
  }

  get dcrdCert(): string {
    return join(this.runDir, 'dcrd', 'rpc.cert');
  }

  wallet(name: string): SimnetWallet {
    const w = this.wallets.find((x) => x.name === name);
    if (w === undefined) throw new RangeError(`simnet: no wallet named "${name}"`);
    return w;
  }

  get miner(): SimnetWallet {
    return this.wallet('miner');
  }

  get votingWallets(): SimnetWallet[] {
    return this.wallets.filter((w) => w.role === 'voting');
  }

  get customer(): SimnetWallet {
    return this.wallet('customer');
  }

  get legacyCustomer(): SimnetWallet {
    return this.wallet('legacy');
  }

  /** Start a harness: restore the snapshot (building it first if there is none). */
  static async start(options: SimnetOptions = {}): Promise<Simnet> {
    const votingWallets = options.votingWallets ?? 1;
    const parent = tmpdir();
    await reapStale(parent, RUN_PREFIX);
    const runDir = options.runDir ?? mkdtempSync(join(parent, RUN_PREFIX));
    mkdirSync(runDir, { recursive: true });
    writeFileSync(join(runDir, 'owner.pid'), String(process.pid));
    const sim = new Simnet(runDir, options);
    const specs = walletSpecs(votingWallets);
    const snap = snapshotDir(votingWallets);
    try {
      if (options.noSnapshot !== true && existsSync(join(snap, 'complete'))) {
        sim.log(`simnet: restoring snapshot ${snap}`);
        for (const part of ['dcrd', 'wallets'])
          cpSync(join(snap, part), join(runDir, part), { recursive: true });
        await sim.startAll(specs);
        await sim.waitWalletsSynced();
      } else {
        await sim.build(specs);
        if (options.noSnapshot !== true) await sim.saveSnapshot(specs, snap);
      }
    } catch (e) {
      await sim.stop(process.env['STAKEPOOL_SIMNET_KEEP'] === '1');
      throw e;
    }
    return sim;
  }

  private async build(specs: WalletSpec[]): Promise<void> {
    const t0 = Date.now();
    this.log('simnet: building a new chain (first run; about a minute)');
    await this.startDcrd();
    await this.dcrd.generate(32); // wallets restored from a seed need blocks before first start
    for (const spec of specs) await this.createWallet(spec);
    for (const spec of specs) await this.startWallet(spec);
    await this.waitWalletsSynced();
    // Vote rewards after SVH make the miner rich enough to fund the others.
    await this.mineTo(SIMNET.stakeValidationHeight + 4);
    // Fund every other wallet in several outputs, so a wallet can spend more than once per block
    // without touching unconfirmed change (which dcrwallet 2.0.x mishandles).
    for (const w of this.wallets) {
      if (w.role === 'miner') continue;
      for (let i = 0; i < FUNDING_OUTPUTS; i++) {
        const addr = await w.client.getNewAddress();
        await this.miner.client.sendToAddress(addr, FUNDING_ATOMS / BigInt(FUNDING_OUTPUTS));
      }
    }
    await this.mineTo(SNAPSHOT_HEIGHT);
    this.log(
      `simnet: chain at height ${SNAPSHOT_HEIGHT} in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );
  }

  private async saveSnapshot(specs: WalletSpec[], snap: string): Promise<void> {
    // Stop cleanly so the databases are flushed, copy, and start again.
    await this.stopProcesses();
    const tmp = `${snap}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const part of ['dcrd', 'wallets']) {
      cpSync(join(this.runDir, part), join(tmp, part), {
        recursive: true,
        filter: (src) => !src.includes(`${join('dcrd', 'logs')}`) && !src.endsWith('.log'),
      });
    }
    writeFileSync(join(tmp, 'complete'), new Date().toISOString());
    rmSync(snap, { recursive: true, force: true });
    try {
      renameSync(tmp, snap);
      this.log(`simnet: snapshot saved to ${snap}`);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another harness saved one first
    }
    await this.startAll(specs);
    await this.waitWalletsSynced();
  }

  private async startAll(specs: WalletSpec[]): Promise<void> {
    await this.startDcrd();
    for (const spec of specs) await this.startWallet(spec);
  }

  private recordPids(): void {
    const pids = [this.dcrdProcess, ...this.wallets.map((w) => w.process)]
      .filter((p): p is ManagedProcess => p !== undefined && p.running)
      .map((p) => p.pid);
    writeFileSync(join(this.runDir, 'pids.json'), JSON.stringify(pids));
    writeFileSync(join(this.runDir, 'state.json'), JSON.stringify(this.state(), null, 2));
  }

  private async startDcrd(): Promise<void> {
    if (this.dcrdRpcPort === 0) {
      this.dcrdRpcPort = await freePort();
      this.dcrdP2pPort = await freePort();
    }
    const appdata = join(this.runDir, 'dcrd');
    mkdirSync(appdata, { recursive: true });
    this.dcrdProcess = ManagedProcess.start({
      name: 'dcrd',
      command: this.bins.dcrd,
      args: [
        '--simnet',
        `--appdata=${appdata}`,
        `--rpcuser=${RPC_USER}`,
        `--rpcpass=${RPC_PASS}`,
        `--rpclisten=127.0.0.1:${this.dcrdRpcPort}`,
        `--listen=127.0.0.1:${this.dcrdP2pPort}`,
        '--nodnsseed',
        '--nodiscoverip',
        `--miningaddr=${MINING_ADDRESS}`,
        '--txindex',
        '--debuglevel=info',
      ],
      logFile: join(this.runDir, 'dcrd.log'),
      detached: this.detached,
    });
    await this.waitForFile(this.dcrdCert, this.dcrdProcess);
    this.dcrd?.close();
    this.dcrd = dcrdClientFor(this.dcrdRpcPort, this.dcrdCert, RECONNECT);
    await this.dcrd.connect({ timeoutMs: 30_000 });
    this.recordPids();
  }

  private async createWallet(spec: WalletSpec): Promise<void> {
    const appdata = join(this.runDir, 'wallets', spec.name);
    mkdirSync(appdata, { recursive: true });
    const p = ManagedProcess.start({
      name: `${spec.name}-create`,
      command: spec.legacy ? this.bins.legacyWallet : this.bins.dcrwallet,
      args: ['--simnet', `--appdata=${appdata}`, `--pass=${WALLET_PASS}`, '--create'],
      logFile: join(this.runDir, `${spec.name}-create.log`),
      // Prompts: use the configured passphrase? y; encrypt public data? n; existing seed? y; seed.
      stdin: `y\nn\ny\n${spec.seed}\n\n\n`,
    });
    const code = await p.exited;
    if (code !== 0) throw new Error(`simnet: creating wallet ${spec.name} failed:\n${p.logTail()}`);
  }

  private async startWallet(spec: WalletSpec): Promise<SimnetWallet> {
    let w = this.wallets.find((x) => x.name === spec.name);
    const appdata = join(this.runDir, 'wallets', spec.name);
    if (w === undefined) {
      w = {
        name: spec.name,
        role: spec.role,
        seed: spec.seed,
        appdata,
        certFile: join(appdata, 'rpc.cert'),
        rpcPort: await freePort(),
        client: undefined as unknown as WalletClient,
        process: undefined,
        args: spec.args,
        legacy: spec.legacy,
      };
      this.wallets.push(w);
    }
    await this.launchWallet(w);
    return w;
  }

  private async launchWallet(w: SimnetWallet): Promise<void> {
    w.process = ManagedProcess.start({
      name: w.name,
      command: w.legacy ? this.bins.legacyWallet : this.bins.dcrwallet,
      args: [
        '--simnet',
        `--appdata=${w.appdata}`,
        `--username=${RPC_USER}`,
        `--password=${RPC_PASS}`,
        `--rpcconnect=127.0.0.1:${this.dcrdRpcPort}`,
        `--cafile=${this.dcrdCert}`,
        `--rpclisten=127.0.0.1:${w.rpcPort}`,
        '--nogrpc',
        `--pass=${WALLET_PASS}`,
        ...w.args,
      ],
      logFile: join(this.runDir, `${w.name}.log`),
      detached: this.detached,
    });
    await this.waitForFile(w.certFile, w.process);
    w.client?.close();
    w.client = walletClientFor(w.name, w.rpcPort, w.certFile, w.legacy, RECONNECT);
    await w.client.connect({ timeoutMs: 30_000 });
    // A wallet that is still discovering addresses misses blocks mined meanwhile; wait for it.
    const deadline = Date.now() + 60_000;
    while (!(await w.client.syncStatus()).synced) {
      if (Date.now() > deadline)
        throw new Error(`simnet: wallet ${w.name} did not sync:\n${w.process.logTail()}`);
      await sleep(50);
    }
    this.recordPids();
  }

  private async waitForFile(path: string, p: ManagedProcess, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!existsSync(path)) {
      if (!p.running) throw new Error(`simnet: ${p.name} exited during startup:\n${p.logTail()}`);
      if (Date.now() > deadline)
        throw new Error(`simnet: ${p.name} did not write ${path}:\n${p.logTail()}`);
      await sleep(50);
    }
  }

  /** Wait until every running wallet has processed dcrd's best block. */
  async waitWalletsSynced(timeoutMs = 60_000): Promise<void> {
    const { height } = await this.dcrd.getBestBlock();
    const deadline = Date.now() + timeoutMs;
    for (const w of this.wallets) {
      if (w.process !== undefined && !w.process.running) continue; // stopped on purpose
      for (;;) {
        const wh = await w.client.rpc
          .call<{ height: number }>('getbestblock')
          .catch(() => ({ height: -1 }));
        if (wh.height >= height) break;
        if (Date.now() > deadline)
          throw new Error(`simnet: wallet ${w.name} stuck at ${wh.height}, dcrd at ${height}`);
        await sleep(25);
      }
    }
  }

  /** Keep the miner's ticket pool topped up so every block after SVH has voters. */
  private async buyMinerTickets(height: number): Promise<void> {
    if (height < SIMNET.stakeEnabledHeight) return;
    const info = await this.miner.client.getStakeInfo();
    const have = info.immature + info.unspent + info.ownmempooltix;
    const want = Math.min(TARGET_MINER_TICKETS - have, 20 - (info.allmempooltix ?? 0), 20);
    if (want <= 0) return;
    try {
      await this.miner.client.purchaseTicket('default', want);
    } catch (e) {
      this.log(`simnet: ticket purchase at height ${height} failed: ${(e as Error).message}`);
    }
  }

  /**
   * Mine `n` blocks, one at a time: each waits for the wallets to catch up and for the miner to
   * buy tickets, so the chain keeps its voters. Returns the new block hashes.
   */
  async mine(n: number): Promise<string[]> {
    const hashes: string[] = [];
    for (let i = 0; i < n; i++) {
      await this.waitWalletsSynced();
      const { height } = await this.dcrd.getBestBlock();
      await this.paceMining(height + 1);
      await this.buyMinerTickets(height);
      await this.dcrd.regenTemplate();
      await sleep(25);
      const [hash] = await this.dcrd.generate(1);
      if (hash !== undefined) hashes.push(hash);
    }
    await this.waitWalletsSynced();
    return hashes;
  }

  private block1Time: number | undefined;

  /**
   * Simnet's ASERT difficulty targets one block per second counted from block 1, and doubles the
   * difficulty for every 6 s the chain runs ahead of that schedule; dcrd's CPU miner then takes
   * minutes per block. So never let block `height` come more than a few seconds early. (A chain
   * restored from a snapshot is far behind the clock, and mines at full speed.)
   */
  private async paceMining(height: number): Promise<void> {
    if (height <= 1) return;
    if (this.block1Time === undefined) {
      const hash = await this.dcrd.getBlockHash(1);
      this.block1Time = (await this.dcrd.getBlockHeader(hash)).time;
    }
    const earliest = (this.block1Time + (height - 1) - MAX_AHEAD_SECONDS) * 1000;
    const wait = earliest - Date.now();
    if (wait > 0) await sleep(wait);
  }

  async mineTo(height: number): Promise<void> {
    const { height: now } = await this.dcrd.getBestBlock();
    if (height > now) await this.mine(height - now);
  }

  /** Send `atoms` from the miner wallet; returns the txid. */
  fund(address: string, atoms: bigint): Promise<string> {
    return this.miner.client.sendToAddress(address, atoms);
  }

  /** Mine until `txid` has `confirmations` (at most `maxBlocks` blocks). */
  async waitForConfirmations(txid: string, confirmations = 1, maxBlocks = 50): Promise<void> {
    for (let i = 0; i <= maxBlocks; i++) {
      const tx = await this.dcrd.getRawTransactionVerbose(txid).catch(() => undefined);
      if ((tx?.confirmations ?? 0) >= confirmations) return;
      if (i < maxBlocks) await this.mine(1);
    }
    throw new Error(
      `simnet: ${txid} not confirmed ${confirmations} times after ${maxBlocks} blocks`,
    );
  }

  /** Mine until the ticket is live. */
  async waitForTicketLive(ticket: string, maxBlocks = 40): Promise<void> {
    for (let i = 0; i <= maxBlocks; i++) {
      if (await this.dcrd.existsLiveTicket(ticket)) return;
      if (i < maxBlocks) await this.mine(1);
    }
    throw new Error(`simnet: ticket ${ticket} not live after ${maxBlocks} blocks`);
  }

  /**
   * Mine until the ticket is spent, and report how: the vote or the (automatic) revocation that
   * spent it, found by scanning every block's stake tree from the ticket's own block on (so a
   * ticket that already voted is found too).
   */
  async waitForTicketOutcome(
    ticket: string,
    maxBlocks = 500,
  ): Promise<{ outcome: 'voted' | 'revoked'; txid: string; height: number }> {
    await this.waitForConfirmations(ticket, 1);
    let next = (await this.dcrd.getRawTransactionVerbose(ticket)).blockheight ?? 0;
    for (let mined = 0; ; mined++) {
      const tip = (await this.dcrd.getBestBlock()).height;
      for (; next <= tip; next++) {
        const block = await this.dcrd.getBlock(await this.dcrd.getBlockHash(next), true);
        for (const stx of block.rawstx ?? []) {
          if (!stx.vin.some((v) => v.txid === ticket && v.vout === 0)) continue;
          const outcome = stx.vin.some((v) => v.stakebase !== undefined) ? 'voted' : 'revoked';
          return { outcome, txid: stx.txid, height: block.height };
        }
      }
      if (mined >= maxBlocks) break;
      await this.mine(1);
    }
    throw new Error(`simnet: ticket ${ticket} still unspent after ${maxBlocks} more blocks`);
  }

  /** Stop one process (politely) or kill it (SIGKILL). */
  async stopProcess(name: string, kill = false): Promise<void> {
    const p = name === 'dcrd' ? this.dcrdProcess : this.wallet(name).process;
    if (p === undefined) return;
    if (kill) await p.kill();
    else await p.stop();
  }

  /**
   * Start dcrd again on the same ports (after stopProcess/kill). Returns once the running wallets
   * are back on it and the tip has its votes again: a wallet retries its dcrd connection only
   * every 5 s, and a block mined before the votes on the tip are back in the (new, empty) mempool
   * is built on the tip's parent instead, a sibling that leaves the miner wallet stuck.
   */
  async restartDcrd(kill = false): Promise<void> {
    await this.stopProcess('dcrd', kill);
    await this.startDcrd();
    await this.waitWalletsConnected();
    await this.waitWalletsSynced();
    await this.waitTipVotes();
  }

  /** Wait until every running wallet reports a live connection to dcrd. */
  async waitWalletsConnected(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const w of this.wallets) {
      if (w.process === undefined || !w.process.running) continue;
      for (;;) {
        const info = await w.client.walletInfo().catch(() => undefined);
        if (info?.daemonconnected === true) break;
        if (Date.now() > deadline)
          throw new Error(
            `simnet: wallet ${w.name} did not reconnect to dcrd:\n${w.process.logTail()}`,
          );
        await sleep(100);
      }
    }
  }

  /** Wait until dcrd's mempool holds the votes the next block needs on the current tip. */
  async waitTipVotes(timeoutMs = 60_000): Promise<void> {
    const { hash, height } = await this.dcrd.getBestBlock();
    if (height + 1 < SIMNET.stakeValidationHeight) return;
    const need = Math.floor(SIMNET.ticketsPerBlock / 2) + 1;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ids = await this.dcrd.rpc.call<string[]>('getrawmempool', [false, 'votes']);
      let votes = 0;
      for (const id of ids) {
        const hex = await this.dcrd.getRawTransaction(id).catch(() => undefined);
        if (hex === undefined) continue; // mined or dropped meanwhile
        if (hashToDisplay(voteBlockRef(decodeTx(hex)).blockHash) === hash) votes++;
      }
      if (votes >= need) return;
      if (Date.now() > deadline)
        throw new Error(`simnet: only ${votes} votes on tip ${hash} (height ${height})`);
      await sleep(100);
    }
  }

  /** Restart a wallet, optionally with new extra flags (e.g. --vsp.url / --vsp.pubkey). */
  async restartWallet(name: string, args?: string[]): Promise<SimnetWallet> {
    const w = this.wallet(name);
    await w.process?.stop();
    if (args !== undefined) w.args = args;
    await this.launchWallet(w);
    return w;
  }

  state(): SimnetState {
    return {
      runDir: this.runDir,
      detached: this.detached,
      dcrd: {
        rpcPort: this.dcrdRpcPort,
        p2pPort: this.dcrdP2pPort,
        cert: this.dcrdCert,
        pid: this.dcrdProcess?.running === true ? this.dcrdProcess.pid : undefined,
      },
      wallets: this.wallets.map((w) => ({
        name: w.name,
        role: w.role,
        rpcPort: w.rpcPort,
        cert: w.certFile,
        pid: w.process?.running === true ? w.process.pid : undefined,
        appdata: w.appdata,
      })),
      rpcUser: RPC_USER,
      rpcPass: RPC_PASS,
      walletPass: WALLET_PASS,
    };
  }

  private async stopProcesses(): Promise<void> {
    for (const w of this.wallets) {
      w.client?.close();
      await w.process?.stop();
    }
    this.dcrd?.close();
    await this.dcrdProcess?.stop();
  }

  /**
   * Connect to a harness started earlier with `detached` (by `stakepool simnet up`), from the
   * state file in its run directory. Its processes belong to that earlier command.
   */
  static async attach(runDir: string): Promise<Simnet> {
    const state = JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as SimnetState;
    const sim = new Simnet(runDir, { detached: true });
    sim.dcrdRpcPort = state.dcrd.rpcPort;
    sim.dcrdP2pPort = state.dcrd.p2pPort;
    sim.dcrd = dcrdClientFor(state.dcrd.rpcPort, state.dcrd.cert, false);
    await sim.dcrd.connect({ timeoutMs: 10_000 });
    for (const w of state.wallets) {
      const client = walletClientFor(w.name, w.rpcPort, w.cert, w.role === 'legacy', false);
      await client.connect({ timeoutMs: 10_000 });
      sim.wallets.push({
        name: w.name,
        role: w.role,
        seed: seedFor(w.name),
        appdata: w.appdata,
        certFile: w.cert,
        rpcPort: w.rpcPort,
        client,
        process: undefined,
        args: [],
        legacy: w.role === 'legacy',
      });
    }
    return sim;
  }

  /** Close the RPC connections and leave the processes running (see `detached`). */
  detach(): void {
    this.stopped = true;
    for (const w of this.wallets) w.client?.close();
    this.dcrd?.close();
  }

  /** Stop everything and remove the run directory (kept when `keep` is set). */
  async stop(keep = false): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.stopProcesses();
    if (!keep) rmSync(this.runDir, { recursive: true, force: true });
  }
}
