// The VSP web server as the benchmarks run it, in a process of its own: src/web/app.ts on the
// database store over a SQLite file, with fixed stand-ins for dcrd and the voting wallets (no
// request measured here reaches them). With `workers` > 1 a node:cluster primary forks that many
// servers sharing one listening port. Started by bench/vsp.bench.ts with fork(); it reports
// {type:'ready'} on IPC, answers {type:'memory'}, and stops on SIGTERM, when its parent goes
// away, or after `lifetimeMs` whatever happens.
import cluster from 'node:cluster';
import type { Worker } from 'node:cluster';
import { netParams } from '../src/dcr/params.ts';
import type { NetworkName } from '../src/dcr/params.ts';
import { createDatabase } from '../src/db/database.ts';
import { RpcError, RpcErrorCode } from '../src/rpc/errors.ts';
import { build } from '../src/web/app.ts';
import { createVspStore } from '../src/vsp/db-store.ts';
import { feeAddressSource } from '../src/vsp/fee-address.ts';
import type { BestBlockHeader, VotingWallet, VotingWallets, VspDcrd } from '../src/vsp/node.ts';
import { loadOrCreateServerKey } from '../src/vsp/server-key.ts';

export interface ServerConfig {
  dbPath: string;
  /** Fixed port (cold-start timing polls it) or 0 for any. */
  port: number;
  net: NetworkName;
  workers: number;
  lifetimeMs: number;
}

export type ServerMessage =
  | { type: 'ready'; port: number; pids: number[] }
  | {
      type: 'memory';
      usage: NodeJS.MemoryUsage;
      /** heapUsed after a full GC (when run with --expose-gc). */
      heapUsedAfterGc: number | undefined;
    };

const config = JSON.parse(process.argv[2] ?? '{}') as ServerConfig;

// Stop no matter what, long after any benchmark would have finished.
setTimeout(() => process.exit(3), config.lifetimeMs).unref();

const noTx = (): Promise<never> =>
  Promise.reject(
    new RpcError(RpcErrorCode.NoTxInfo, 'No information available about transaction', 'bench'),
  );

/** dcrd at a fixed tip; the benchmarked requests never ask it for transactions. */
const dcrd: VspDcrd = {
  getRawTransaction: noTx,
  sendRawTransaction: noTx,
  existsLiveTicket: () => Promise.resolve(true),
  getBestBlockHeader: (): Promise<BestBlockHeader> =>
    Promise.resolve({ height: 1_200_000, sbits: 250_00000000n, poolSize: 40_960 }),
};

const walletClient = {
  setVoteChoice: () => Promise.resolve(null),
  setTSpendPolicy: () => Promise.resolve(null),
  setTreasuryPolicy: () => Promise.resolve(null),
};
const online: VotingWallet[] = ['wallet-a', 'wallet-b'].map((name) => ({
  name,
  client: walletClient,
}));
const wallets: VotingWallets = { connected: () => Promise.resolve({ online, total: 2 }) };

async function serve(): Promise<number> {
  const net = netParams(config.net);
  const database = createDatabase({ engine: 'sqlite', sqlitePath: config.dbPath });
  const store = createVspStore(database.db);
  const serverKey = await loadOrCreateServerKey(store);
  const app = build({
    net,
    config: {
      vspFee: 2,
      vspClosed: false,
      vspClosedMsg: '',
      designation: 'Bench VSP',
      version: '0.1.0-bench',
    },
    store,
    dcrd,
    wallets,
    serverKey,
    feeAddresses: feeAddressSource(store, net),
  });
  await app.listen({ host: '127.0.0.1', port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    void app
      .close()
      .then(() => database.close())
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.once('disconnect', stop);
  return port;
}

function memory(): ServerMessage {
  const usage = process.memoryUsage();
  const gc = (globalThis as { gc?: () => void }).gc;
  let heapUsedAfterGc: number | undefined;
  if (gc !== undefined) {
    gc();
    heapUsedAfterGc = process.memoryUsage().heapUsed;
  }
  return { type: 'memory', usage, heapUsedAfterGc };
}

function send(message: ServerMessage): void {
  process.send?.(message);
}

if (config.workers <= 1) {
  const port = await serve();
  process.on('message', (m: { type?: string }) => {
    if (m.type === 'memory') send(memory());
  });
  send({ type: 'ready', port, pids: [process.pid] });
} else if (cluster.isPrimary) {
  const workers: Worker[] = [];
  const ports: number[] = [];
  for (let i = 0; i < config.workers; i++) {
    const w = cluster.fork();
    workers.push(w);
    w.on('message', (m: { type?: string; port?: number }) => {
      if (m.type !== 'listening' || m.port === undefined) return;
      ports.push(m.port);
      if (ports.length === config.workers) {
        send({ type: 'ready', port: ports[0]!, pids: workers.map((x) => x.process.pid ?? 0) });
      }
    });
  }
  cluster.on('exit', (_w, code) => {
    // A worker that dies on its own (not at shutdown) invalidates the figures: stop everything.
    if (!stopping) {
      process.stderr.write(`vsp-server: a worker exited with code ${code}\n`);
      shutdown(1);
    }
  });
  let stopping = false;
  const shutdown = (code: number): void => {
    if (stopping) return;
    stopping = true;
    for (const w of workers) w.process.kill('SIGTERM');
    const exit = (): void => {
      if (workers.every((w) => w.isDead())) process.exit(code);
    };
    cluster.on('exit', exit);
    exit();
  };
  process.once('SIGTERM', () => shutdown(0));
  process.once('SIGINT', () => shutdown(0));
  process.once('disconnect', () => shutdown(0));
} else {
  const port = await serve();
  process.send?.({ type: 'listening', port });
}
