// Reachability of dcrd and the voting wallets, for the admin status page and the /admin/status
// monitoring endpoint. The field names of the JSON form are vspd's, so monitoring written for
// vspd reads ours unchanged.
import type { CallOptions } from '../rpc/client.ts';

export interface DcrdHealth {
  /** dcrd's RPC address, for the operator. */
  host: string;
  connected: boolean;
  bestBlockError: boolean;
  bestBlockHeight: number;
}

export interface WalletHealth {
  connected: boolean;
  /** walletinfo failed. */
  infoError: boolean;
  daemonConnected: boolean;
  voteVersion: number;
  unlocked: boolean;
  voting: boolean;
  bestBlockError: boolean;
  bestBlockHeight: number;
}

export interface HealthReport {
  dcrd: DcrdHealth;
  /** By wallet RPC address. */
  wallets: ReadonlyMap<string, WalletHealth>;
}

export interface NodeHealth {
  check(): Promise<HealthReport>;
}

export function dcrdHealthy(d: DcrdHealth): boolean {
  return d.connected && !d.bestBlockError;
}

/** What vspd requires of a voting wallet: reachable, synced to a dcrd, unlocked and voting. */
export function walletHealthy(w: WalletHealth): boolean {
  return (
    w.connected && !w.infoError && !w.bestBlockError && w.daemonConnected && w.unlocked && w.voting
  );
}

export function allHealthy(r: HealthReport): boolean {
  return dcrdHealthy(r.dcrd) && [...r.wallets.values()].every(walletHealthy);
}

/** vspd's /admin/status body. */
export function healthJson(r: HealthReport): {
  dcrd: Record<string, string | number | boolean>;
  wallets: Record<string, Record<string, number | boolean>>;
} {
  const wallets: Record<string, Record<string, number | boolean>> = {};
  for (const [name, w] of r.wallets) {
    wallets[name] = {
      connected: w.connected,
      infoerror: w.infoError,
      daemonconnected: w.daemonConnected,
      voteversion: w.voteVersion,
      unlocked: w.unlocked,
      voting: w.voting,
      bestblockerror: w.bestBlockError,
      bestblockheight: w.bestBlockHeight,
    };
  }
  return {
    dcrd: {
      host: r.dcrd.host,
      connected: r.dcrd.connected,
      bestblockerror: r.dcrd.bestBlockError,
      bestblockheight: r.dcrd.bestBlockHeight,
    },
    wallets,
  };
}

/** The parts of src/rpc's DcrdClient the check uses. */
export interface DcrdProbe {
  readonly rpc: { readonly isReady: boolean };
  getBlockCount(o?: CallOptions): Promise<number>;
}

/** The parts of src/rpc's WalletClient the check uses. */
export interface WalletProbe {
  readonly rpc: { readonly isReady: boolean };
  walletInfo(o?: CallOptions): Promise<{
    daemonconnected: boolean;
    unlocked: boolean;
    voting: boolean;
    voteversion: number;
  }>;
  getBestBlock(o?: CallOptions): Promise<{ height: number }>;
}

export interface RpcHealthOptions {
  dcrd: { host: string; client: DcrdProbe };
  wallets: readonly { name: string; client: WalletProbe }[];
  /** Per call; a hung node must not hang the status page. Default 5000 ms. */
  timeoutMs?: number;
}

/** NodeHealth over the live RPC clients; every call is bounded and every failure reported. */
export function rpcNodeHealth(options: RpcHealthOptions): NodeHealth {
  const o: CallOptions = { timeoutMs: options.timeoutMs ?? 5000 };
  const dcrd = async (): Promise<DcrdHealth> => {
    const { host, client } = options.dcrd;
    const status: DcrdHealth = {
      host,
      connected: client.rpc.isReady,
      bestBlockError: false,
      bestBlockHeight: 0,
    };
    if (!status.connected) return status;
    try {
      status.bestBlockHeight = await client.getBlockCount(o);
    } catch {
      status.bestBlockError = true;
    }
    return status;
  };
  const wallet = async (client: WalletProbe): Promise<WalletHealth> => {
    const status: WalletHealth = {
      connected: client.rpc.isReady,
      infoError: false,
      daemonConnected: false,
      voteVersion: 0,
      unlocked: false,
      voting: false,
      bestBlockError: false,
      bestBlockHeight: 0,
    };
    if (!status.connected) return status;
    const [info, best] = await Promise.allSettled([client.walletInfo(o), client.getBestBlock(o)]);
    if (info.status === 'fulfilled') {
      status.daemonConnected = info.value.daemonconnected;
      status.voteVersion = info.value.voteversion;
      status.unlocked = info.value.unlocked;
      status.voting = info.value.voting;
    } else {
      status.infoError = true;
    }
    if (best.status === 'fulfilled') status.bestBlockHeight = best.value.height;
    else status.bestBlockError = true;
    return status;
  };
  return {
    async check() {
      const [d, ws] = await Promise.all([
        dcrd(),
        Promise.all(options.wallets.map(async (w) => [w.name, await wallet(w.client)] as const)),
      ]);
      return { dcrd: d, wallets: new Map(ws) };
    },
  };
}
