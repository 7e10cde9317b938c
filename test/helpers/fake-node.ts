// A small stand-in for dcrd/dcrwallet's JSON-RPC websocket endpoint, for unit tests of src/rpc:
// plain ws:// on 127.0.0.1 (TLS is left to the e2e tests against the real nodes), HTTP basic auth
// on the upgrade request (401 on bad credentials, like dcrd), and replies taken from recorded
// fixtures or from per-method handlers. Tests can also push notifications, drop every connection,
// refuse new ones, and hold replies back or never send them.
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { WebSocketServer } from 'ws';
import type { RawData, WebSocket } from 'ws';

/** One recorded exchange: the params sent and the node's result or error. */
export interface FixtureReply {
  params: unknown[];
  result?: unknown;
  error?: { code: number; message: string };
}

/** A fixture file written by scripts/record-rpc-fixtures.ts. */
export interface RpcFixtures {
  /** Keyed `method` or `method#variant`. */
  replies: Record<string, FixtureReply>;
  /** Notification method → params of one real notification. */
  notifications: Record<string, unknown[]>;
  authFailure?: { user: string; httpStatus: number; body: string };
}

const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'rpc', 'fixtures');

export function loadFixtures(name: 'dcrd' | 'wallet'): RpcFixtures {
  return JSON.parse(readFileSync(join(fixturesDir, `${name}.json`), 'utf8')) as RpcFixtures;
}

/** The recorded reply under `key`; throws when there is none (a broken fixture file). */
export function fixture(f: RpcFixtures, key: string): FixtureReply {
  const r = f.replies[key];
  if (r === undefined) throw new Error(`fixture: no recorded reply "${key}"`);
  return r;
}

/** Thrown by a handler to answer with a JSON-RPC error. */
export class FakeRpcError extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** Returned by a handler: send nothing back for this request. */
export const NO_REPLY: unique symbol = Symbol('no reply');

export interface ReceivedRequest {
  method: string;
  params: unknown[];
  id: unknown;
  /** 1 for the first accepted websocket, 2 for the next, ... */
  connection: number;
}

/** Returns the result (or a promise of it), NO_REPLY, or throws a FakeRpcError. */
export type Handler = (params: unknown[], req: ReceivedRequest) => unknown;

export interface FakeNodeOptions {
  user?: string;
  pass?: string;
  /** Recorded replies, matched on method and params. */
  replies?: Record<string, FixtureReply>;
  /** Handlers by method; they take precedence over recorded replies. */
  handlers?: Record<string, Handler>;
}

interface FakeNodeEvents {
  request: [req: ReceivedRequest];
  connection: [n: number];
}

export class FakeNode extends EventEmitter<FakeNodeEvents> {
  readonly user: string;
  readonly pass: string;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[] = [];
  /** Upgrade requests seen, accepted or not. */
  upgradeAttempts = 0;
  authFailures = 0;
  /** Websockets accepted so far. */
  connections = 0;
  private readonly server: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly replies = new Map<string, FixtureReply[]>();
  private readonly handlers = new Map<string, Handler>();
  private refuseStatus: number | undefined;
  private portNumber = 0;

  private constructor(options: FakeNodeOptions) {
    super();
    this.user = options.user ?? 'rpcuser';
    this.pass = options.pass ?? 'rpcpass';
    for (const [key, reply] of Object.entries(options.replies ?? {})) this.addReply(key, reply);
    for (const [method, h] of Object.entries(options.handlers ?? {})) this.handlers.set(method, h);
    this.server = createServer((_req, res) => {
      res.writeHead(405).end();
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  static async start(options: FakeNodeOptions = {}): Promise<FakeNode> {
    const node = new FakeNode(options);
    await new Promise<void>((resolve, reject) => {
      node.server.once('error', reject);
      node.server.listen(0, '127.0.0.1', () => resolve());
    });
    node.portNumber = (node.server.address() as AddressInfo).port;
    return node;
  }

  get port(): number {
    return this.portNumber;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  /** Websockets open right now. */
  get openSockets(): number {
    return this.wss.clients.size;
  }

  /** Add a recorded reply; `key` is `method` or `method#variant`. */
  addReply(key: string, reply: FixtureReply): void {
    const method = key.split('#')[0] ?? key;
    const list = this.replies.get(method) ?? [];
    // Where several replies were recorded for the same params, the plain `method` one answers.
    if (key === method) list.unshift(reply);
    else list.push(reply);
    this.replies.set(method, list);
  }

  /** Answer `method` with `handler` (undefined: back to the recorded replies). */
  handle(method: string, handler: Handler | undefined): void {
    if (handler === undefined) this.handlers.delete(method);
    else this.handlers.set(method, handler);
  }

  /** Answer `method` with a fixed result. */
  answer(method: string, result: unknown): void {
    this.handle(method, () => result);
  }

  /**
   * Answer `key`'s method with exactly this recorded reply, for replies recorded with the same
   * params as another one (sendrawtransaction succeeds once, then reports a duplicate).
   */
  replay(key: string, reply: FixtureReply): void {
    const method = key.split('#')[0] ?? key;
    this.handle(method, (params) => {
      if (!isDeepStrictEqual(params, reply.params)) {
        throw new FakeRpcError(-32603, `fake node: ${key} was recorded with other params`);
      }
      if (reply.error !== undefined) throw new FakeRpcError(reply.error.code, reply.error.message);
      return reply.result;
    });
  }

  /** Never answer `method`. */
  hang(method: string): void {
    this.handle(method, () => NO_REPLY);
  }

  /** Requests received for `method`. */
  calls(method: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.method === method);
  }

  /** Resolves with the n-th (1-based) request for `method`, now or when it arrives. */
  waitForRequest(method: string, n = 1): Promise<ReceivedRequest> {
    const seen = this.calls(method);
    if (seen.length >= n) return Promise.resolve(seen[n - 1]!);
    return new Promise((resolve) => {
      const on = (req: ReceivedRequest): void => {
        if (req.method !== method || this.calls(method).length < n) return;
        this.off('request', on);
        resolve(req);
      };
      this.on('request', on);
    });
  }

  /** Push a notification (no id) to every open websocket; returns how many got it. */
  notify(method: string, params: unknown[]): number {
    return this.broadcast(JSON.stringify({ jsonrpc: '1.0', method, params, id: null }));
  }

  /** Send raw text to every open websocket. */
  broadcast(text: string): number {
    for (const ws of this.wss.clients) ws.send(text);
    return this.wss.clients.size;
  }

  /** Cut every open websocket without a close handshake, as a crashed node would. */
  dropAll(): void {
    for (const ws of this.wss.clients) ws.terminate();
  }

  /** Refuse new websockets with this HTTP status (undefined: accept again). */
  refuse(status: number | undefined): void {
    this.refuseStatus = status;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    this.upgradeAttempts++;
    socket.on('error', () => {}); // resets by clients that give up are expected
    const expected = `Basic ${Buffer.from(`${this.user}:${this.pass}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      this.authFailures++;
      return refuseUpgrade(socket, 401, 'Unauthorized', '401 Unauthorized.');
    }
    if (this.refuseStatus !== undefined) {
      return refuseUpgrade(socket, this.refuseStatus, 'Refused', 'refused by the test');
    }
    if (req.url !== '/ws') return refuseUpgrade(socket, 404, 'Not Found', '404 page not found');
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const n = ++this.connections;
      ws.on('message', (data) => this.onMessage(ws, n, data));
      // A client that goes away abruptly (a reset) is part of what the tests do, not an error.
      ws.on('error', () => {});
      this.emit('connection', n);
    });
  }

  private onMessage(ws: WebSocket, connection: number, data: RawData): void {
    const msg = JSON.parse(rawText(data)) as { id?: unknown; method?: unknown; params?: unknown };
    const req: ReceivedRequest = {
      method: String(msg.method),
      params: Array.isArray(msg.params) ? (msg.params as unknown[]) : [],
      id: msg.id,
      connection,
    };
    this.requests.push(req);
    this.emit('request', req);
    void this.answerRequest(req).then((reply) => {
      if (reply === NO_REPLY || ws.readyState !== ws.OPEN) return;
      ws.send(JSON.stringify({ jsonrpc: '1.0', id: req.id, ...reply }));
    });
  }

  private async answerRequest(
    req: ReceivedRequest,
  ): Promise<typeof NO_REPLY | { result: unknown; error: unknown }> {
    const handler = this.handlers.get(req.method);
    if (handler !== undefined) {
      try {
        const result = await handler(req.params, req);
        if (result === NO_REPLY) return NO_REPLY;
        return { result: result ?? null, error: null };
      } catch (e) {
        const code = e instanceof FakeRpcError ? e.code : -32603;
        return { result: null, error: { code, message: (e as Error).message } };
      }
    }
    const recorded = this.replies.get(req.method);
    if (recorded === undefined) {
      return { result: null, error: { code: -32601, message: 'Method not found' } };
    }
    const match = recorded.find((r) => isDeepStrictEqual(r.params, req.params));
    if (match === undefined) {
      // A wrapper sending params other than the recorded ones is a test failure, not a reply.
      const message = `fake node: no recorded reply for ${req.method} ${JSON.stringify(req.params)}`;
      return { result: null, error: { code: -32603, message } };
    }
    return { result: match.result ?? null, error: match.error ?? null };
  }
}

function refuseUpgrade(socket: Socket, status: number, reason: string, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
