// What a simnet harness is made of: its wallets (roles, fixed seeds, flags), credentials,
// tuning constants, snapshot location and RPC client factories. src/simnet/harness.ts runs them.
import { join } from 'node:path';
import { toHex } from '../dcr/bytes.ts';
import { blake256 } from '../dcr/hash.ts';
import { netParams } from '../dcr/params.ts';
import { readFileSync } from 'node:fs';
import { DcrdClient } from '../rpc/dcrd.ts';
import { WalletClient, WALLET_API_2_0, WALLET_API_2_1 } from '../rpc/wallet.ts';
import { decredCacheDir, DECRED_VERSIONS } from './binaries.ts';
import type { ManagedProcess } from './processes.ts';

export const SIMNET = netParams('simnet');
export const RPC_USER = 'stakepool';
export const RPC_PASS = 'simnet-rpc-pass';
export const WALLET_PASS = 'simnet-wallet-pass';
/** The seed dcrd's own simnet scripts use; its first address is the mining address below. */
export const MINER_SEED = 'b280922d2cffda44648346412c5ec97f429938105003730414f10b01e1402eac';
export const MINING_ADDRESS = 'SsXciQNTo3HuV5tX3yy4hXndRWgLMRVC7Ah';
/** Bumped whenever the snapshot's contents change shape. */
export const SNAPSHOT_LAYOUT = 2;
export const RUN_PREFIX = 'stakepool-simnet-';
/** Height the snapshot is taken at: past SVH (144) with votes in every block since. */
export const SNAPSHOT_HEIGHT = 160;
/**
 * Keep this many of the miner's tickets live or maturing. dcrd refuses to extend a chain that
 * would run out of tickets: from SVH−18 on it wants pool + tickets bought in the last 17 blocks to
 * cover 18 blocks of 5 votes plus 5 (ErrTicketExhaustion), i.e. at least 95. With ~100, about 85
 * are maturing and only ~15 are live, so a test's own ticket wins within a few blocks.
 */
export const TARGET_MINER_TICKETS = 100;
/** How far ahead of simnet's one-block-per-second schedule mining may run (see paceMining). */
export const MAX_AHEAD_SECONDS = 12;
export const FUNDING_ATOMS = 100n * 100_000_000n;
export const FUNDING_OUTPUTS = 5;

export type WalletRole = 'miner' | 'voting' | 'customer' | 'legacy';

export interface WalletSpec {
  name: string;
  role: WalletRole;
  seed: string;
  legacy: boolean;
  args: string[];
}

export interface SimnetWallet {
  readonly name: string;
  readonly role: WalletRole;
  readonly seed: string;
  readonly appdata: string;
  readonly certFile: string;
  rpcPort: number;
  client: WalletClient;
  process: ManagedProcess | undefined;
  /** Extra command-line flags (e.g. --vsp.url); change them with restartWallet. */
  args: string[];
  readonly legacy: boolean;
}

export interface SimnetOptions {
  /** Number of pool voting wallets (default 1). */
  votingWallets?: number;
  /** Where processes keep their data; default a new directory in the OS temp dir. */
  runDir?: string;
  /** Leave processes running after this process exits (`stakepool simnet up`). */
  detached?: boolean;
  /** Progress messages. */
  log?: (msg: string) => void;
  /** Do not use or write the cached snapshot. */
  noSnapshot?: boolean;
}

/** What `stakepool simnet status|mine|down` needs to find a running harness again. */
export interface SimnetState {
  runDir: string;
  /** Started by `stakepool simnet up` (outlives its starter) rather than owned by a process. */
  detached: boolean;
  dcrd: { rpcPort: number; p2pPort: number; cert: string; pid: number | undefined };
  wallets: {
    name: string;
    role: WalletRole;
    rpcPort: number;
    cert: string;
    pid: number | undefined;
    appdata: string;
  }[];
  rpcUser: string;
  rpcPass: string;
  walletPass: string;
}

export function seedFor(name: string): string {
  return name === 'miner'
    ? MINER_SEED
    : toHex(blake256(new TextEncoder().encode(`stakepool simnet ${name}`)));
}

export function walletSpecs(votingWallets: number): WalletSpec[] {
  const specs: WalletSpec[] = [
    {
      name: 'miner',
      role: 'miner',
      seed: seedFor('miner'),
      legacy: false,
      args: ['--enablevoting'],
    },
  ];
  for (let i = 1; i <= votingWallets; i++) {
    const name = `voting${i}`;
    specs.push({
      name,
      role: 'voting',
      seed: seedFor(name),
      legacy: false,
      args: ['--enablevoting', '--manualtickets'],
    });
  }
  specs.push({
    name: 'customer',
    role: 'customer',
    seed: seedFor('customer'),
    legacy: false,
    args: [],
  });
  specs.push({ name: 'legacy', role: 'legacy', seed: seedFor('legacy'), legacy: true, args: [] });
  return specs;
}

export function snapshotDir(votingWallets: number): string {
  const key = `L${SNAPSHOT_LAYOUT}-${DECRED_VERSIONS.dcrd}-${DECRED_VERSIONS.dcrwallet}-${DECRED_VERSIONS.legacyWallet}-v${votingWallets}`;
  return join(decredCacheDir(), '..', 'simnet-snapshots', key);
}

export type Reconnect = { initialDelayMs: number; maxDelayMs: number } | false;
/** Harness clients retry quickly: the processes are local and restarts are deliberate. */
export const RECONNECT: Reconnect = { initialDelayMs: 100, maxDelayMs: 2_000 };

export function dcrdClientFor(port: number, cert: string, reconnect: Reconnect): DcrdClient {
  return new DcrdClient({
    url: `wss://127.0.0.1:${port}/ws`,
    user: RPC_USER,
    pass: RPC_PASS,
    ca: readFileSync(cert),
    net: SIMNET,
    callTimeoutMs: 60_000,
    reconnect,
  });
}

export function walletClientFor(
  name: string,
  port: number,
  cert: string,
  legacy: boolean,
  reconnect: Reconnect,
): WalletClient {
  return new WalletClient({
    url: `wss://127.0.0.1:${port}/ws`,
    user: RPC_USER,
    pass: RPC_PASS,
    ca: readFileSync(cert),
    net: SIMNET,
    name: `wallet ${name}`,
    apiVersions: legacy ? [WALLET_API_2_0] : [WALLET_API_2_1],
    callTimeoutMs: 60_000,
    reconnect,
  });
}
