// Child processes of a harness: started with their output in a log file, stopped politely
// (SIGINT, then SIGKILL), and never left behind: attached children are killed when this process
// exits for any reason, and a later harness kills what a crashed one left (see reapStale).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  logFile: string;
  cwd?: string;
  /** Survive this process (for `stakepool simnet up`); the caller records the pid. */
  detached?: boolean;
  stdin?: string;
}

const attached = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of attached) {
      try {
        c.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const c of attached) c.kill('SIGKILL');
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The command line of a live process (Linux), used to make sure a recorded pid is still ours. */
export function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

export class ManagedProcess {
  readonly name: string;
  readonly spec: ProcessSpec;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  private constructor(spec: ProcessSpec, child: ChildProcess) {
    this.name = spec.name;
    this.spec = spec;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitCode = code ?? (signal !== null ? -1 : null);
        attached.delete(child);
        resolve(this.exitCode);
      });
    });
  }

  static start(spec: ProcessSpec): ManagedProcess {
    const out = openSync(spec.logFile, 'a');
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      stdio: [spec.stdin !== undefined ? 'pipe' : 'ignore', out, out],
      detached: spec.detached === true,
    });
    closeSync(out);
    if (spec.stdin !== undefined) child.stdin?.end(spec.stdin);
    const p = new ManagedProcess(spec, child);
    if (spec.detached === true) {
      child.unref();
    } else {
      installExitHook();
      attached.add(child);
    }
    return p;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name}: failed to start`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  /** The last lines of its log, for error messages. */
  logTail(lines = 20): string {
    return tailFile(this.spec.logFile, lines);
  }

  /** SIGINT, then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    // Cancel the timer once the process is gone: a pending one would keep Node alive for
    // `timeoutMs` after the harness stopped.
    const cancel = new AbortController();
    const timer = sleep(timeoutMs, 'timeout' as const, { signal: cancel.signal }).catch(
      () => 'exited' as const,
    );
    const first = await Promise.race([this.exited, timer]);
    cancel.abort();
    if (first === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  async kill(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

export function tailFile(path: string, lines: number): string {
  if (!existsSync(path)) return '';
  return readFileSync(path, 'utf8').split('\n').slice(-lines).join('\n');
}

/** Stop a process by pid (one started detached by an earlier command). */
export async function stopPid(pid: number, timeoutMs = 20_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/**
 * Kill the processes of harness run directories under `parent` whose owning process is gone (a
 * test run that was killed), then remove those directories. Each run directory holds `owner.pid`
 * and `pids.json`; a pid is only killed if its command line still names that run directory.
 */
export async function reapStale(parent: string, prefix: string): Promise<void> {
  if (!existsSync(parent)) return;
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const dir = `${parent}/${entry}`;
    let owner: number;
    try {
      owner = Number(readFileSync(`${dir}/owner.pid`, 'utf8'));
    } catch {
      continue;
    }
    if (owner === process.pid || isAlive(owner)) continue;
    let pids: number[] = [];
    try {
      pids = JSON.parse(readFileSync(`${dir}/pids.json`, 'utf8')) as number[];
    } catch {
      // no children recorded
    }
    for (const pid of pids) {
      if (commandLine(pid)?.includes(dir) === true) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
    await sleep(50);
    rmSync(dir, { recursive: true, force: true });
  }
}
