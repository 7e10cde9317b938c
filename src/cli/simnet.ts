// `stakepool simnet up|down|mine N|status`: a private Decred simnet (real dcrd and dcrwallets)
// that a person can use by hand; it keeps running between commands, in one run directory.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decredCacheDir } from '../simnet/binaries.ts';
import type { SimnetState } from '../simnet/harness.ts';
import { Simnet } from '../simnet/harness.ts';
import { isAlive, stopPid } from '../simnet/processes.ts';
import { formatDcr } from '../dcr/amounts.ts';

export const simnetUsage = `Usage: stakepool simnet <command>

Commands:
  up [--voting-wallets N]   start dcrd and the wallets (first run builds a chain: ~3 minutes)
  status                    show heights, ports, credentials and balances
  mine N                    mine N blocks (the miner wallet buys tickets and votes)
  ctl NODE METHOD [ARG...]  JSON-RPC call to dcrd or a wallet (miner, voting1, customer, legacy);
                            arguments are JSON where they parse as JSON, else strings
  down                      stop everything and delete the run directory
`;

export function simnetRunDir(): string {
  return join(decredCacheDir(), '..', 'simnet-run');
}

function readState(runDir: string): SimnetState | undefined {
  const file = join(runDir, 'state.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as SimnetState;
}

function running(state: SimnetState | undefined): boolean {
  return state?.dcrd.pid !== undefined && isAlive(state.dcrd.pid);
}

async function printStatus(sim: Simnet): Promise<void> {
  const st = sim.state();
  const best = await sim.dcrd.getBestBlock();
  const out = process.stdout;
  out.write(`simnet running in ${st.runDir}\n`);
  out.write(
    `  dcrd      height ${best.height}  rpc 127.0.0.1:${st.dcrd.rpcPort}  cert ${st.dcrd.cert}\n`,
  );
  for (const w of sim.wallets) {
    const bal = await w.client.getBalance().catch(() => undefined);
    const shown = bal === undefined ? '?' : `${formatDcr(bal)} DCR`;
    out.write(
      `  ${w.name.padEnd(9)} ${w.legacy ? '2.0.x' : '2.1.x'}  rpc 127.0.0.1:${w.rpcPort}  balance ${shown}  cert ${w.certFile}\n`,
    );
  }
  out.write(
    `  rpc user ${st.rpcUser}  password ${st.rpcPass}  wallet passphrase ${st.walletPass}\n`,
  );
}

export async function simnetCommand(args: readonly string[]): Promise<number> {
  const [cmd, ...rest] = args;
  const runDir = simnetRunDir();
  const state = readState(runDir);
  switch (cmd) {
    case 'up': {
      if (running(state)) {
        const sim = await Simnet.attach(runDir);
        await printStatus(sim);
        sim.detach();
        return 0;
      }
      rmSync(runDir, { recursive: true, force: true });
      const i = rest.indexOf('--voting-wallets');
      const votingWallets = i >= 0 ? Number(rest[i + 1]) : 1;
      if (!Number.isInteger(votingWallets) || votingWallets < 1 || votingWallets > 8) {
        process.stderr.write('simnet up: --voting-wallets must be an integer from 1 to 8\n');
        return 2;
      }
      const sim = await Simnet.start({
        runDir,
        detached: true,
        votingWallets,
        log: (m) => process.stdout.write(`${m}\n`),
      });
      await printStatus(sim);
      sim.detach();
      return 0;
    }
    case 'status': {
      if (!running(state)) {
        process.stdout.write('simnet is not running (start it with: stakepool simnet up)\n');
        return 1;
      }
      const sim = await Simnet.attach(runDir);
      await printStatus(sim);
      sim.detach();
      return 0;
    }
    case 'mine': {
      const n = Number(rest[0] ?? '1');
      if (!Number.isInteger(n) || n < 1 || n > 10_000) {
        process.stderr.write('simnet mine: N must be an integer from 1 to 10000\n');
        return 2;
      }
      if (!running(state)) {
        process.stderr.write('simnet is not running (start it with: stakepool simnet up)\n');
        return 1;
      }
      const sim = await Simnet.attach(runDir);
      try {
        await sim.mine(n);
        process.stdout.write(`height ${(await sim.dcrd.getBestBlock()).height}\n`);
      } finally {
        sim.detach();
      }
      return 0;
    }
    case 'ctl': {
      const [node, method, ...params] = rest;
      if (node === undefined || method === undefined) {
        process.stderr.write('simnet ctl: usage: ctl NODE METHOD [ARG...]\n');
        return 2;
      }
      if (!running(state)) {
        process.stderr.write('simnet is not running (start it with: stakepool simnet up)\n');
        return 1;
      }
      const sim = await Simnet.attach(runDir);
      try {
        const client = node === 'dcrd' ? sim.dcrd.rpc : sim.wallet(node).client.rpc;
        const result = await client.call(method, params.map(jsonOrString));
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } finally {
        sim.detach();
      }
      return 0;
    }
    case 'down': {
      if (state !== undefined) {
        for (const w of state.wallets) if (w.pid !== undefined) await stopPid(w.pid);
        if (state.dcrd.pid !== undefined) await stopPid(state.dcrd.pid);
      }
      rmSync(runDir, { recursive: true, force: true });
      process.stdout.write('simnet stopped\n');
      return 0;
    }
    case undefined:
      process.stderr.write(simnetUsage);
      return 2;
    default:
      process.stderr.write(`simnet: unknown command "${cmd}"\n\n${simnetUsage}`);
      return 2;
  }
}

function jsonOrString(arg: string): unknown {
  try {
    return JSON.parse(arg) as unknown;
  } catch {
    return arg;
  }
}
