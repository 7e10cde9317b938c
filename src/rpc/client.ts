// JSON-RPC over websocket, the way dcrd and dcrwallet serve it (`wss://host:port/ws`): TLS with the
// node's own certificate pinned as the only CA, HTTP basic auth on the upgrade request, numeric
// request ids, and notifications (messages with a method and no id) delivered as events.
//
// One RpcClient owns one logical connection. It reconnects with exponential backoff whenever the
// socket drops, and runs `onConnect` on every new socket before serving calls, so version and
// network checks and notification subscriptions are redone after every reconnect.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { RpcConnectionError, RpcError, RpcSetupError } from './errors.ts';

export interface RpcLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLogger: RpcLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RpcClientOptions {
  /** `wss://127.0.0.1:19556/ws` (or `ws://` for a node run with --notls on loopback). */
  url: string;
  user: string;
  pass: string;
  /** PEM of the node's certificate: the only certificate trusted for this connection. */
  ca?: string | Buffer;
  /** Short name used in logs and errors, e.g. "dcrd" or "wallet 127.0.0.1:19557". */
  name?: string;
  /** Default per-call timeout (ms), also the longest a call waits for a connection. */
  callTimeoutMs?: number;
  /** Timeout for opening the socket (ms). */
  connectTimeoutMs?: number;
  /** Reconnect backoff; `false` disables reconnecting. */
  reconnect?: { initialDelayMs: number; maxDelayMs: number } | false;
  /**
   * Runs on each new socket before calls are served: check the node and subscribe. Throwing
   * closes that socket; an RpcSetupError is reported as a misconfigured node.
   */
  onConnect?: (client: RpcCaller) => Promise<void>;
  logger?: RpcLogger;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The calling half of a client, which is all `onConnect` and the typed wrappers need. */
export interface RpcCaller {
  call<T = unknown>(method: string, params?: unknown[], options?: CallOptions): Promise<T>;
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  cleanup(): void;
}

export interface RpcClientEvents {
  /** A notification from the node. */
  notification: [method: string, params: unknown[]];
  /** A socket passed `onConnect` and serves calls (first connect and every reconnect). */
  ready: [];
  /** The socket closed; a reconnect follows unless the client was closed. */
  disconnected: [error: Error];
  /** `onConnect` failed: the node is reachable but not usable as configured. */
  setupError: [error: Error];
}

type State = 'idle' | 'connecting' | 'ready' | 'closed';

export class RpcClient extends EventEmitter<RpcClientEvents> implements RpcCaller {
  readonly name: string;
  private readonly opts: RpcClientOptions;
  private readonly log: RpcLogger;
  private ws: WebSocket | undefined;
  private state: State = 'idle';
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private waiters: { resolve(): void; reject(e: Error): void }[] = [];
  private retryDelay: number;
  private retryTimer: NodeJS.Timeout | undefined;
  private lastError: Error | undefined;

  constructor(options: RpcClientOptions) {
    super();
    this.opts = options;
    this.name = options.name ?? options.url;
    this.log = options.logger ?? silentLogger;
    this.retryDelay = this.backoff()?.initialDelayMs ?? 0;
  }

  private backoff(): { initialDelayMs: number; maxDelayMs: number } | undefined {
    const r = this.opts.reconnect;
    if (r === false) return undefined;
    return r ?? { initialDelayMs: 250, maxDelayMs: 10_000 };
  }

  get isReady(): boolean {
    return this.state === 'ready';
  }

  /** Start connecting (if not yet) and wait until a socket is ready. */
  async connect(options: CallOptions = {}): Promise<void> {
    if (this.state === 'closed') throw new RpcConnectionError(`${this.name}: client is closed`);
    if (this.state === 'idle') this.open();
    await this.waitReady(options);
  }

  /** Close for good: no reconnect; pending and future calls fail. */
  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    const err = new RpcConnectionError(`${this.name}: client closed`);
    this.failPending(err);
    for (const w of this.waiters.splice(0)) w.reject(err);
    const ws = this.ws;
    this.ws = undefined;
    if (ws !== undefined) {
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
    }
  }

  async call<T = unknown>(
    method: string,
    params: unknown[] = [],
    options: CallOptions = {},
  ): Promise<T> {
    if (this.state !== 'ready') await this.connect(options);
    return this.send<T>(method, params, options);
  }

  /** Send on the current socket without waiting for readiness (used by onConnect). */
  private send<T>(method: string, params: unknown[], options: CallOptions): Promise<T> {
    const ws = this.ws;
    if (ws === undefined || ws.readyState !== WebSocket.OPEN) {
      return Promise.reject(new RpcConnectionError(`${this.name}: ${method}: not connected`));
    }
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.opts.callTimeoutMs ?? 30_000;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        options.signal?.removeEventListener('abort', onAbort);
        reject(new RpcConnectionError(`${this.name}: ${method}: timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        this.pending.delete(id);
        clearTimeout(timer);
        reject(new RpcConnectionError(`${this.name}: ${method}: aborted`));
      };
      if (options.signal?.aborted === true) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: (v: unknown) => resolve(v as T),
        reject,
        cleanup: () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
      ws.send(JSON.stringify({ jsonrpc: '1.0', id, method, params }), (err) => {
        if (err === undefined || err === null) return;
        const p = this.pending.get(id);
        if (p === undefined) return;
        this.pending.delete(id);
        p.cleanup();
        p.reject(new RpcConnectionError(`${this.name}: ${method}: send failed: ${err.message}`));
      });
    });
  }

  private waitReady(options: CallOptions): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    const timeoutMs = options.timeoutMs ?? this.opts.callTimeoutMs ?? 30_000;
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        done();
        const why = this.lastError !== undefined ? `: ${this.lastError.message}` : '';
        reject(new RpcConnectionError(`${this.name}: not connected after ${timeoutMs} ms${why}`));
      }, timeoutMs);
      const onAbort = (): void => {
        done();
        reject(new RpcConnectionError(`${this.name}: aborted while connecting`));
      };
      const waiter = {
        resolve: () => {
          done();
          resolve();
        },
        reject: (e: Error) => {
          done();
          reject(e);
        },
      };
      const done = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      if (options.signal?.aborted === true) return onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private open(): void {
    this.state = 'connecting';
    const auth = Buffer.from(`${this.opts.user}:${this.opts.pass}`).toString('base64');
    const ws = new WebSocket(this.opts.url, {
      headers: { Authorization: `Basic ${auth}` },
      ca: this.opts.ca,
      handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000,
      maxPayload: 256 * 1024 * 1024,
      perMessageDeflate: false,
    });
    this.ws = ws;
    ws.on('message', (data) => this.onMessage(data));
    ws.on('unexpected-response', (_req, res) => {
      const err =
        res.statusCode === 401
          ? new RpcSetupError(
              `${this.name}: authentication failed (check the RPC user and password)`,
            )
          : new RpcConnectionError(`${this.name}: unexpected HTTP status ${res.statusCode}`);
      this.onClose(ws, err);
    });
    ws.on('error', (err) =>
      this.onClose(ws, new RpcConnectionError(`${this.name}: ${err.message}`)),
    );
    ws.on('close', () =>
      this.onClose(ws, new RpcConnectionError(`${this.name}: connection closed`)),
    );
    ws.on('open', () => {
      void this.onOpen(ws);
    });
  }

  private async onOpen(ws: WebSocket): Promise<void> {
    try {
      if (this.opts.onConnect !== undefined) {
        await this.opts.onConnect({
          call: <T>(method: string, params: unknown[] = [], options: CallOptions = {}) =>
            this.send<T>(method, params, options),
        });
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (this.ws !== ws) return;
      this.log.error({ client: this.name, err: err.message }, 'rpc connection setup failed');
      this.emit('setupError', err);
      this.onClose(ws, err instanceof RpcSetupError ? err : new RpcSetupError(err.message));
      return;
    }
    if (this.ws !== ws || this.state === 'closed') return;
    this.state = 'ready';
    this.lastError = undefined;
    this.retryDelay = this.backoff()?.initialDelayMs ?? 0;
    this.log.info({ client: this.name }, 'rpc connected');
    for (const w of this.waiters.splice(0)) w.resolve();
    this.emit('ready');
  }

  private onMessage(data: WebSocket.RawData): void {
    let msg: {
      id?: unknown;
      method?: unknown;
      params?: unknown;
      result?: unknown;
      error?: unknown;
    };
    try {
      msg = JSON.parse(rawToString(data)) as typeof msg;
    } catch {
      this.log.warn({ client: this.name }, 'rpc: ignoring a message that is not JSON');
      return;
    }
    if (typeof msg.method === 'string' && (msg.id === null || msg.id === undefined)) {
      const params = Array.isArray(msg.params) ? (msg.params as unknown[]) : [];
      this.emit('notification', msg.method, params);
      return;
    }
    if (typeof msg.id !== 'number') return;
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    p.cleanup();
    if (msg.error !== null && msg.error !== undefined) {
      const e = msg.error as { code?: unknown; message?: unknown };
      const code = typeof e.code === 'number' ? e.code : -1;
      const message = typeof e.message === 'string' ? e.message : JSON.stringify(msg.error);
      p.reject(new RpcError(code, message, p.method));
    } else {
      p.resolve(msg.result);
    }
  }

  private failPending(err: Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.cleanup();
      p.reject(new RpcConnectionError(`${this.name}: ${p.method}: ${err.message}`));
    }
  }

  private onClose(ws: WebSocket, err: Error): void {
    if (this.ws !== ws) return; // an old socket's late event
    this.ws = undefined;
    ws.removeAllListeners();
    ws.on('error', () => {});
    ws.terminate();
    this.failPending(err);
    this.lastError = err;
    if (this.state === 'closed') return;
    const wasReady = this.state === 'ready';
    this.state = 'connecting';
    if (wasReady) {
      this.log.warn({ client: this.name, err: err.message }, 'rpc disconnected');
      this.emit('disconnected', err);
    }
    const backoff = this.backoff();
    if (backoff === undefined) {
      this.state = 'idle';
      for (const w of this.waiters.splice(0)) w.reject(err);
      return;
    }
    // A setup error fails the callers waiting now (they would only time out), while the client
    // keeps retrying in the background in case the operator fixes the node.
    if (err instanceof RpcSetupError) for (const w of this.waiters.splice(0)) w.reject(err);
    const delay = this.retryDelay;
    this.retryDelay = Math.min(Math.max(delay * 2, backoff.initialDelayMs), backoff.maxDelayMs);
    this.log.debug({ client: this.name, delayMs: delay }, 'rpc reconnecting');
    this.retryTimer = setTimeout(() => {
      if (this.state === 'connecting') this.open();
    }, delay);
    this.retryTimer.unref();
  }
}

function rawToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
