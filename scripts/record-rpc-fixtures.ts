// Records real dcrd and dcrwallet JSON-RPC replies from the simnet harness into
// test/rpc/fixtures/{dcrd,wallet}.json, which the src/rpc unit tests replay through a fake node.
// Each wrapper is called exactly as stakepool calls it and the raw reply (before the wrapper
// decodes it) is saved with the params that produced it, so the tests check the wrappers against
// what the nodes really send, including their error replies.
//
//   node --import tsx scripts/record-rpc-fixtures.ts
//
// Inputs are fixed (keys derived from constant strings, early blocks), so a re-recording on the
// same cached chain differs only where the nodes themselves differ (new tickets, mempool, etc.).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import * as prettier from 'prettier';
import WebSocket from 'ws';
import {
  blake256,
  decodeTx,
  encodeAddress,
  encodeTx,
  encodeWif,
  hashFromDisplay,
  multiSigScript,
  p2pkhAddress,
  p2shAddress,
  toHex,
} from '../src/dcr/index.ts';
import { publicKeyCreate } from '../src/dcr/secp.ts';
import type { CallOptions, RpcClient } from '../src/rpc/client.ts';
import { RpcError } from '../src/rpc/errors.ts';
import { SIMNET, Simnet } from '../src/simnet/harness.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'test', 'rpc', 'fixtures');

interface Reply {
  params: unknown[];
  result?: unknown;
  error?: { code: number; message: string };
}

interface FixtureFile {
  /** `method` or `method#variant` → the call's params and the node's reply. */
  replies: Record<string, Reply>;
  /** Notification method → params of the first one received. */
  notifications: Record<string, unknown[]>;
  authFailure?: { user: string; httpStatus: number; body: string };
}

/**
 * Captures the raw JSON-RPC traffic of wrapper calls by wrapping `call` on their RpcClients, so
 * what is saved is exactly what the wrapper sent and received.
 */
class Recorder {
  readonly file: FixtureFile = { replies: {}, notifications: {} };
  private capture: (Reply & { method: string })[] | undefined;

  watch(rpc: RpcClient): void {
    const inner = rpc.call.bind(rpc);
    rpc.call = async <T>(method: string, params: unknown[] = [], o?: CallOptions): Promise<T> => {
      const log = this.capture;
      try {
        const result = await inner<T>(method, params, o);
        log?.push({ method, params, result: result ?? null });
        return result;
      } catch (e) {
        if (e instanceof RpcError) {
          log?.push({ method, params, error: { code: e.code, message: e.nodeMessage } });
        }
        throw e;
      }
    };
    rpc.on('notification', (method, params) => {
      this.file.notifications[method] ??= params;
    });
  }

  /** Run one wrapper call and save its single RPC exchange under `key`. */
  async rec<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const log: (Reply & { method: string })[] = [];
    this.capture = log;
    let value: T | undefined;
    let err: unknown;
    try {
      value = await fn();
    } catch (e) {
      err = e;
    } finally {
      this.capture = undefined;
    }
    const [exchange] = log;
    if (log.length !== 1 || exchange === undefined) {
      throw new Error(`${key}: expected one RPC call, saw ${log.length}`, { cause: err });
    }
    const { method, ...reply } = exchange;
    if (key.split('#')[0] !== method) throw new Error(`${key}: the call was ${method}`);
    if (this.file.replies[key] !== undefined) throw new Error(`${key}: recorded twice`);
    this.file.replies[key] = reply;
    console.error(
      `  ${key}${exchange.error !== undefined ? ` → error ${exchange.error.code}` : ''}`,
    );
    if (err !== undefined && exchange.error === undefined) {
      throw err instanceof Error ? err : new Error(`${key}: call failed`, { cause: err });
    }
    return value as T;
  }

  /** Like rec, for a call the node must refuse. */
  async recError(key: string, fn: () => Promise<unknown>): Promise<void> {
    await this.rec(key, fn);
    if (this.file.replies[key]?.error === undefined) throw new Error(`${key}: expected an error`);
  }
}

/** Fixed keys, so addresses, scripts and signatures are the same on every recording. */
function fixedKey(label: string): Uint8Array {
  return blake256(new TextEncoder().encode(`stakepool rpc fixture ${label}`));
}

const NO_SUCH_HASH = '00'.repeat(31) + '01';

/** The HTTP status and body dcrd sends when the upgrade request carries a wrong password. */
function authFailure(
  url: string,
  ca: Buffer | string,
  user: string,
): Promise<FixtureFile['authFailure']> {
  return new Promise((resolvePromise, reject) => {
    const auth = Buffer.from(`${user}:wrong-password`).toString('base64');
    const ws = new WebSocket(url, { headers: { Authorization: `Basic ${auth}` }, ca });
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('dcrd accepted a wrong password'));
    });
    ws.on('error', reject);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        ws.terminate();
        resolvePromise({ user, httpStatus: res.statusCode ?? 0, body: body.trim() });
      });
    });
  });
}

/** Written as prettier formats it, so `prettier --check .` passes on fresh recordings. */
async function write(name: string, file: FixtureFile): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, name);
  const config = (await prettier.resolveConfig(path)) ?? {};
  writeFileSync(path, await prettier.format(JSON.stringify(file), { ...config, filepath: path }));
  console.error(`wrote ${path} (${Object.keys(file.replies).length} replies)`);
}

async function recordAll(sim: Simnet): Promise<void> {
  const d = new Recorder();
  const w = new Recorder();
  const dcrd = sim.dcrd;
  const customer = sim.customer.client;
  const voting = sim.votingWallets[0]?.client;
  const legacy = sim.legacyCustomer.client;
  if (voting === undefined) throw new Error('the harness has no voting wallet');
  d.watch(dcrd.rpc);
  for (const c of [customer, voting, legacy]) w.watch(c.rpc);
  const state = sim.state();

  console.error('dcrd:');
  await d.rec('version', () => dcrd.version());
  await d.rec('getcurrentnet', () => dcrd.getCurrentNet());
  await d.rec('getinfo', () => dcrd.getInfo());
  const best = await d.rec('getbestblock', () => dcrd.getBestBlock());
  await d.rec('getbestblockhash', () => dcrd.getBestBlockHash());
  await d.rec('getblockcount', () => dcrd.getBlockCount());
  await d.rec('getblockchaininfo', () => dcrd.getBlockchainInfo());

  // An early block is small: its only transaction is the coinbase.
  const early = await d.rec('getblockhash', () => dcrd.getBlockHash(2));
  await d.rec('getblock#hex', () => dcrd.getBlockHex(early));
  await d.rec('getblock#verbosetx', () => dcrd.getBlock(early, true));
  await d.rec('getblockheader', () => dcrd.getBlockHeader(early));
  await d.rec('getblockheader#hex', () => dcrd.getBlockHeaderHex(early));
  // The tip carries votes and tickets in its stake tree; only their hashes are listed.
  const tip = await d.rec('getblock', () => dcrd.getBlock(best.hash));
  await d.rec('getcfilterv2', () => dcrd.getCFilterV2(best.hash));

  // A vote: its first input is the stakebase, its second spends the ticket.
  let voteTxid: string | undefined;
  for (const id of tip.stx ?? []) {
    const tx = await dcrd.getRawTransactionVerbose(id);
    if (tx.vin[0]?.stakebase !== undefined) voteTxid = id;
  }
  if (voteTxid === undefined) throw new Error('the tip block has no votes');
  const voteId = voteTxid;
  await d.rec('getrawtransaction', () => dcrd.getRawTransaction(voteId));
  const vote = await d.rec('getrawtransaction#verbose', () =>
    dcrd.getRawTransactionVerbose(voteId),
  );
  const votedTicket = vote.vin.find((i) => i.txid !== undefined)?.txid;
  if (votedTicket === undefined) throw new Error(`vote ${voteTxid} names no ticket`);

  const live = await d.rec('livetickets', () => dcrd.liveTickets());
  const liveTicket = live[0];
  if (liveTicket === undefined || live.length < 9) throw new Error('too few live tickets');
  // Nine live tickets, a spent one and an unknown hash: a two-byte bitset with both values.
  await d.rec('existslivetickets', () =>
    dcrd.existsLiveTickets([...live.slice(0, 9), votedTicket, NO_SUCH_HASH]),
  );
  await d.rec('existsliveticket', () => dcrd.existsLiveTicket(liveTicket));
  await d.rec('existsliveticket#spent', () => dcrd.existsLiveTicket(votedTicket));
  const ticketTx = await dcrd.getRawTransactionVerbose(liveTicket);
  const ticketAddr = ticketTx.vout[0]?.scriptPubKey.addresses?.[0];
  if (ticketAddr === undefined) throw new Error(`ticket ${liveTicket} has no voting address`);
  await d.rec('ticketsforaddress', () => dcrd.ticketsForAddress(ticketAddr));
  const emptyAddr = encodeAddress(p2pkhAddress(publicKeyCreate(fixedKey('no tickets')), SIMNET));
  await d.rec('ticketsforaddress#none', () => dcrd.ticketsForAddress(emptyAddr));
  await d.rec('getstakedifficulty', () => dcrd.getStakeDifficulty());
  await d.rec('getblocksubsidy', () => dcrd.getBlockSubsidy(best.height + 1, 5));
  await d.rec('getvoteinfo', () => dcrd.getVoteInfo(SIMNET.voteVersion));
  await d.rec('rebroadcastwinners', () => dcrd.rebroadcastWinners());

  // Error replies.
  await d.recError('getrawtransaction#unknown', () => dcrd.getRawTransaction(NO_SUCH_HASH));
  await d.recError('getblock#unknown', () => dcrd.getBlock(NO_SUCH_HASH));
  await d.recError('getblockhash#outofrange', () => dcrd.getBlockHash(best.height + 1000));
  await d.recError('getblockhash#invalidparams', () =>
    dcrd.rpc.call('getblockhash', ['not a height']),
  );
  await d.recError('nosuchmethod', () => dcrd.rpc.call('nosuchmethod'));
  await d.recError('existsliveticket#badhash', () => dcrd.existsLiveTicket('zz'));
  await d.recError('sendrawtransaction#garbage', () => dcrd.sendRawTransaction('0100'));

  console.error('wallet:');
  await w.rec('version', () => customer.rpc.call('version'));
  await w.rec('getcurrentnet', () => customer.rpc.call('getcurrentnet'));
  await w.rec('version#legacy', () => legacy.rpc.call('version'));
  await w.rec('walletinfo', () => customer.walletInfo());
  await w.rec('syncstatus', () => customer.syncStatus());
  await w.rec('getbestblock', () => customer.getBestBlock());
  await w.rec('getbalance', () => customer.getBalance());
  await w.rec('getstakeinfo', () => customer.getStakeInfo());
  await w.recError('walletpassphrase#wrong', () => customer.walletPassphrase('wrong passphrase'));
  await w.rec('walletpassphrase', () => customer.walletPassphrase(state.walletPass, 0));

  const addr = await w.rec('getnewaddress', () => customer.getNewAddress());
  await w.recError('getnewaddress#unknownaccount', () => customer.getNewAddress('no-such-account'));
  const info = await w.rec('validateaddress', () => customer.validateAddress(addr));
  await w.rec('validateaddress#invalid', () => customer.validateAddress('SsNotAnAddress'));
  await w.rec('dumpprivkey', () => customer.dumpPrivKey(addr));
  const strangerAddr = encodeAddress(p2pkhAddress(publicKeyCreate(fixedKey('stranger')), SIMNET));
  await w.recError('dumpprivkey#notmine', () => customer.dumpPrivKey(strangerAddr));
  await w.rec('signmessage', () => customer.signMessage(addr, 'stakepool rpc fixture'));
  await w.rec('getmasterpubkey', () => customer.getMasterPubKey('default'));
  if (info.pubkey === undefined) throw new Error(`validateaddress ${addr} gave no pubkey`);
  const poolPub = toHex(publicKeyCreate(fixedKey('pool')));
  const ms = await w.rec('createmultisig', () =>
    customer.createMultisig(1, [poolPub, info.pubkey!]),
  );

  // What a legacy pool does with its voting wallets: import the 1-of-2 script and the user's key.
  await w.rec('importscript', () => voting.importScript(ms.redeemScript));
  await w.rec('importprivkey', () => voting.importPrivKey(encodeWif(fixedKey('import'), SIMNET)));
  await w.recError('importprivkey#invalid', () => voting.importPrivKey('not-a-wif'));
  const choices = await voting.rpc.call<{ choices: { agendaid: string; choiceid: string }[] }>(
    'getvotechoices',
  );
  const agenda = choices.choices[0];
  if (agenda === undefined) throw new Error('the voting wallet knows no agendas');
  await w.rec('setvotechoice', () => voting.setVoteChoice(agenda.agendaid, 'yes'));
  await w.recError('setvotechoice#unknownagenda', () =>
    voting.setVoteChoice('no-such-agenda', 'yes'),
  );
  await w.rec('settspendpolicy', () =>
    voting.setTSpendPolicy(toHex(blake256(fixedKey('tspend'))), 'no'),
  );
  await w.rec('settreasurypolicy', () =>
    voting.setTreasuryPolicy(toHex(publicKeyCreate(fixedKey('treasury key'))), 'abstain'),
  );
  const ticketHex = await dcrd.getRawTransaction(liveTicket);
  if (ticketTx.blockhash === undefined) throw new Error(`ticket ${liveTicket} is not mined`);
  await w.rec('addtransaction', () => voting.addTransaction(ticketTx.blockhash!, ticketHex));
  await w.recError('addtransaction#garbage', () =>
    voting.addTransaction(ticketTx.blockhash!, '00'),
  );
  await w.rec('rescanwallet', () => customer.rescanWallet(best.height - 2));

  const bought = await w.rec('purchaseticket', () => customer.purchaseTicket('default', 1));
  await w.rec('ticketinfo', () => customer.ticketInfo(best.height));
  const legacyTicketAddr = encodeAddress(
    p2shAddress(
      multiSigScript(1, [publicKeyCreate(fixedKey('pool')), publicKeyCreate(fixedKey('user'))]),
      SIMNET,
    ),
  );
  const poolFeeAddr = encodeAddress(p2pkhAddress(publicKeyCreate(fixedKey('pool fee')), SIMNET));
  await w.rec('purchaseticket#legacy', () =>
    legacy.purchaseLegacyPoolTicket({
      ticketAddress: legacyTicketAddr,
      poolAddress: poolFeeAddr,
      poolFeePercent: 7.5,
    }),
  );
  await w.rec('sendtoaddress', () => customer.sendToAddress(strangerAddr, 100_000_000n));
  await w.recError('sendtoaddress#insufficient', () =>
    customer.sendToAddress(strangerAddr, 1_000_000n * 100_000_000n),
  );

  // A transaction built and signed by the wallet, sent to dcrd twice.
  await sleep(500); // let the wallet see its own unmined spends before listing what is left
  const unspent = await w.rec('listunspent', () => customer.listUnspent());
  const coin = unspent.find((u) => u.tree === 0 && u.spendable && !bought.includes(u.txid));
  if (coin === undefined) throw new Error('the customer has no spendable output left');
  const changeAddr = await customer.getNewAddress();
  const unsignedHex = await customer.rpc.call<string>('createrawtransaction', [
    [{ txid: coin.txid, vout: coin.vout, tree: coin.tree }],
    { [changeAddr]: Math.round((coin.amount - 0.0001) * 1e8) / 1e8 },
  ]);
  const signed = await w.rec('signrawtransaction', () => customer.signRawTransaction(unsignedHex));
  await d.rec('sendrawtransaction', () => dcrd.sendRawTransaction(signed.hex));
  await d.recError('sendrawtransaction#duplicate', () => dcrd.sendRawTransaction(signed.hex));
  // The same transaction spending an output that does not exist: dcrd calls it an orphan.
  const orphan = decodeTx(signed.hex);
  const firstIn = orphan.inputs[0];
  if (firstIn === undefined) throw new Error('the signed transaction has no inputs');
  firstIn.prevHash = hashFromDisplay(NO_SUCH_HASH);
  await d.recError('sendrawtransaction#orphan', () =>
    dcrd.sendRawTransaction(toHex(encodeTx(orphan))),
  );

  // Subscriptions, then one block so each kind of notification is seen once.
  await d.rec('notifyblocks', () => dcrd.notifyBlocks());
  await d.rec('notifywinningtickets', () => dcrd.notifyWinningTickets());
  await d.rec('notifynewtickets', () => dcrd.notifyNewTickets());
  await d.rec('regentemplate', () => dcrd.regenTemplate());
  await sleep(100);
  await d.rec('generate', () => dcrd.generate(1));
  const deadline = Date.now() + 10_000;
  const want = ['blockconnected', 'winningtickets', 'newtickets'];
  while (want.some((m) => d.file.notifications[m] === undefined) && Date.now() < deadline) {
    await sleep(50);
  }
  for (const m of want) {
    if (d.file.notifications[m] === undefined) console.error(`  (no ${m} notification seen)`);
  }

  d.file.authFailure = await authFailure(
    `wss://127.0.0.1:${sim.dcrdRpcPort}/ws`,
    readFileSync(sim.dcrdCert),
    state.rpcUser,
  );
  w.file.authFailure = await authFailure(
    `wss://127.0.0.1:${sim.customer.rpcPort}/ws`,
    readFileSync(sim.customer.certFile),
    state.rpcUser,
  );

  await write('dcrd.json', sortFile(d.file));
  await write('wallet.json', sortFile(w.file));
}

/** Keys in a stable order, so re-recordings diff cleanly. */
function sortFile(f: FixtureFile): FixtureFile {
  const sorted = <V>(o: Record<string, V>): Record<string, V> =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { ...f, replies: sorted(f.replies), notifications: sorted(f.notifications) };
}

const sim = await Simnet.start({ log: (m) => console.error(m) });
try {
  await recordAll(sim);
} finally {
  await sim.stop();
}
