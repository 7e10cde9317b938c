// The legacy pool's voter: winningtickets notification → each vote handed to dcrd, with 100,000
// live pool tickets in a real SQLite database (the src/db repositories over migration 002) and
// dcrd faked at its narrow interface (the send resolves at once). Each block's winners (5, all
// pool tickets: the worst case) go through the real path: the event, the database lookup, the
// per-user key (derived on first use, then cached), vote building and signing. After each block
// its winners are marked voted, as the chain follower would. Goal: p99 ≤ 5 ms.
// Knobs (environment): STAKEPOOL_BENCH_POOLVOTER_TICKETS (100000), _USERS (1000), _BLOCKS (300),
// _WINNERS (5).
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { toHex } from '../src/dcr/bytes.ts';
import { netParams } from '../src/dcr/params.ts';
import { SECP_BACKEND } from '../src/dcr/secp.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { NewPoolTicket } from '../src/db/pool-tickets.ts';
import {
  insertPoolTickets,
  setPoolTicketOutcome,
  votablePoolTickets,
} from '../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../src/db/pool-users.ts';
import { withTransaction } from '../src/db/transaction.ts';
import { PoolVotingKey } from '../src/pool/voting-key.ts';
import type { WinningTickets } from '../src/rpc/notifications.ts';
import { currentVoteVersion } from '../src/vsp/agendas.ts';
import { PoolVoter } from '../src/voting/pool-voter.ts';
import type { PoolVoteResult } from '../src/voting/pool-voter.ts';
import { poolTicket, userMultisig, votingAccount } from '../test/voting/pool-vote-fixtures.ts';

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[`STAKEPOOL_BENCH_POOLVOTER_${name}`]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const TICKETS = envInt('TICKETS', 100_000);
const USERS = Math.min(envInt('USERS', 1000), 9999);
const BLOCKS = envInt('BLOCKS', 300);
const WINNERS = envInt('WINNERS', 5);
const WARMUP = 20;
const BATCH = 10_000;

const net = netParams('simnet');
const version = currentVoteVersion('simnet');
const account = votingAccount(net, 'bench');

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function line(name: string, values: number[], note = ''): void {
  const s = [...values].sort((a, b) => a - b);
  const f = (x: number) => `${x.toFixed(2)} ms`;
  process.stdout.write(
    `${name}: p50 ${f(percentile(s, 50))}  p99 ${f(percentile(s, 99))}  max ${f(s[s.length - 1]!)}` +
      `  (${s.length} samples)${note === '' ? '' : `  [${note}]`}\n`,
  );
}

// A deterministic shuffle, so two runs pick the same winners.
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const dir = mkdtempSync(join(tmpdir(), 'stakepool-bench-voter-'));
const database = createDatabase({ engine: 'sqlite', sqlitePath: join(dir, 'pool.db') });
try {
  await migrateToLatest(database.db);
  const db = database.db;

  // ----- seed: users with their multisig, then the tickets, in batches of one transaction -----
  const t0 = performance.now();
  const scripts: string[] = [];
  const addresses: string[] = [];
  await withTransaction(db, async (trx) => {
    for (let i = 0; i < USERS; i++) {
      const u = await createPoolUser(trx, {
        email: `user${i}@bench.example`,
        passwordHash: 'scrypt$bench',
        emailVerified: 1,
        // A third of the users voted on the current agendas; the rest keep the default.
        voteBits: i % 3 === 0 ? 0x0005 : 1,
        voteBitsVersion: version,
      });
      if (u === undefined) throw new Error('bench: user not created');
      const ms = userMultisig(account.key, u.id, net);
      scripts[u.id] = toHex(ms.redeemScript);
      addresses[u.id] = ms.address;
      await setPoolUserMultisig(trx, u.id, {
        address: ms.address,
        script: scripts[u.id]!,
        poolPubKeyAddr: `SkPool${u.id}`,
        userPubKeyAddr: `SkUser${u.id}`,
        feeAddress: `SsFee${u.id}`,
        heightRegistered: 1,
      });
    }
  });
  const hashes: string[] = [];
  let generateMs = 0;
  for (let start = 0; start < TICKETS; start += BATCH) {
    const rows: NewPoolTicket[] = [];
    const g0 = performance.now();
    for (let i = start; i < Math.min(TICKETS, start + BATCH); i++) {
      const userId = (i % USERS) + 1;
      const t = poolTicket({
        redeemScript: Buffer.from(scripts[userId]!, 'hex'),
        seed: `bench ticket ${i}`,
        net,
      });
      hashes.push(t.hash);
      rows.push({
        hash: t.hash,
        userId,
        ticketAddress: addresses[userId]!,
        purchaseHeight: 100 + Math.floor(i / 20),
        purchaseBlock: 'ab'.repeat(32),
        price: t.tx.outputs[0]!.value,
        feePaid: 944_988n,
        feeRequired: 944_988n,
        feeStatus: 'ok',
        ticketHex: t.hex,
      });
    }
    generateMs += performance.now() - g0;
    await withTransaction(db, (trx) => insertPoolTickets(trx, rows));
  }
  const seedMs = performance.now() - t0;
  process.stdout.write(
    `seeded ${TICKETS.toLocaleString('en-US')} live pool tickets of ${USERS} users in ` +
      `${(seedMs / 1000).toFixed(1)} s (${(generateMs / 1000).toFixed(1)} s building tickets; ` +
      `SQLite file, src/db repositories)\n`,
  );

  // ----- the voter, fed through its event like DcrdClient does -----
  const dcrd = new (class extends EventEmitter<{ winningTickets: [WinningTickets] }> {
    sent = 0;
    sendRawTransaction(hex: string): Promise<string> {
      this.sent++;
      return Promise.resolve(hex.slice(0, 64));
    }
  })();
  const lookups: number[] = [];
  let pending: { left: number; done: () => void } | undefined;
  const votes: PoolVoteResult[] = [];
  const voter = new PoolVoter({
    dcrd,
    net,
    keys: new PoolVotingKey(account.key),
    tickets: {
      async votablePoolTickets(h) {
        const s = performance.now();
        const rows = await votablePoolTickets(db, h);
        lookups.push(performance.now() - s);
        return rows;
      },
    },
    onVote: (r) => {
      votes.push(r);
      if (pending !== undefined && --pending.left === 0) pending.done();
    },
  });
  voter.start();

  const rand = lcg(6);
  const live = hashes.slice();
  for (let b = 0; b < WARMUP + BLOCKS; b++) {
    const won: string[] = [];
    for (let k = 0; k < WINNERS; k++) {
      const j = Math.floor(rand() * live.length);
      won.push(live[j]!);
      live[j] = live[live.length - 1]!;
      live.pop();
    }
    if (b === WARMUP) {
      votes.length = 0;
      lookups.length = 0;
    }
    const done = new Promise<void>((resolve) => {
      pending = { left: won.length, done: resolve };
    });
    dcrd.emit('winningTickets', {
      blockHash: (b + 1).toString(16).padStart(64, '0'),
      height: 10_000 + b,
      tickets: won,
    });
    await done;
    // The chain follower records the votes before the next block.
    for (const h of won) {
      await setPoolTicketOutcome(db, h, { outcome: 'voted', height: 10_001 + b, spentBy: '' });
    }
  }
  await voter.stop();
  const failed = votes.filter((v) => v.status !== 'sent').length;

  process.stdout.write(
    `${BLOCKS} blocks × ${WINNERS} winning pool tickets (after ${WARMUP} warm-up blocks), ` +
      `secp256k1 backend ${SECP_BACKEND}${failed > 0 ? `, ${failed} FAILED votes` : ''}\n`,
  );
  line(
    'notification → vote sent, per vote',
    votes.map((v) => v.ms),
    'goal p99 ≤ 5 ms',
  );
  for (let k = 0; k < WINNERS; k++) {
    const nth = votes.filter((_, i) => i % WINNERS === k).map((v) => v.ms);
    line(`  vote ${k + 1} of ${WINNERS}`, nth);
  }
  line(`  database lookup (votablePoolTickets, ${WINNERS} hashes)`, lookups);
  line(
    '  the rest: key, build, sign, send (per vote minus its block’s lookup)',
    votes.map((v, i) => v.ms - (lookups[Math.floor(i / WINNERS)] ?? 0)),
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
