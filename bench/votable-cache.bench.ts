// The voter's cache (src/voting/votable-cache.ts) with 100,000 votable pool tickets in a real
// SQLite database: how long a refresh takes (database pages → packed snapshot → file), how much
// memory the snapshot holds (RSS, heap and off-heap deltas after a full GC), how long reading the
// file back takes (a start with the database down), and a lookup of a block's winners. For
// comparison, the memory the same tickets take as plain objects with hex strings.
// Knobs (environment): STAKEPOOL_BENCH_VOTERCACHE_TICKETS (100000), _USERS (1000).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { toHex } from '../src/dcr/bytes.ts';
import { netParams } from '../src/dcr/params.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import type { NewPoolTicket, VotableTicket } from '../src/db/pool-tickets.ts';
import { allVotablePoolTickets, insertPoolTickets } from '../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserMultisig } from '../src/db/pool-users.ts';
import { withTransaction } from '../src/db/transaction.ts';
import { currentVoteVersion } from '../src/vsp/agendas.ts';
import { VOTER_CACHE_FILE, VotableCache } from '../src/voting/votable-cache.ts';
import { decodeVotableSnapshot } from '../src/voting/votable-snapshot.ts';
import { poolTicket, userMultisig, votingAccount } from '../test/voting/pool-vote-fixtures.ts';

function envInt(name: string, fallback: number): number {
  const v = Number(process.env[`STAKEPOOL_BENCH_VOTERCACHE_${name}`]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

const TICKETS = envInt('TICKETS', 100_000);
const USERS = Math.min(envInt('USERS', 1000), 9999);
const BATCH = 10_000;

const net = netParams('simnet');
const version = currentVoteVersion('simnet');
const account = votingAccount(net, 'bench');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface Mem {
  rss: number;
  heapTotal: number;
  heap: number;
  external: number;
}
// After a full GC, and a pause: V8 frees dead ArrayBuffers' memory on a background thread.
async function memory(): Promise<Mem> {
  gc();
  gc();
  await new Promise((resolve) => setTimeout(resolve, 200));
  const m = process.memoryUsage();
  return { rss: m.rss, heapTotal: m.heapTotal, heap: m.heapUsed, external: m.external };
}
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
function delta(name: string, before: Mem, after: Mem): void {
  process.stdout.write(
    `${name}: RSS +${mb(after.rss - before.rss)}, heap +${mb(after.heap - before.heap)}, ` +
      `off-heap +${mb(after.external - before.external)}\n`,
  );
}

const CHILD = 'STAKEPOOL_BENCH_VOTERCACHE_CHILD';

/** One measurement, in its own process. */
async function child(o: {
  mode: 'refresh' | 'load' | 'objects';
  sqlitePath: string;
  file: string;
}) {
  const database = createDatabase({ engine: 'sqlite', sqlitePath: o.sqlitePath });
  const db = database.db;
  const source = {
    allVotablePoolTickets: (p: { afterHash: string; limit: number }) =>
      allVotablePoolTickets(db, p),
  };
  // Warm up the modules and the database connection before the baseline.
  await allVotablePoolTickets(db, { afterHash: '', limit: 10 });
  const base = await memory();
  let s0 = performance.now();
  if (o.mode === 'refresh') {
    const cache = new VotableCache({ source, network: net.name, file: o.file });
    await cache.refresh();
    const firstMs = performance.now() - s0;
    const held = await memory();
    // Only its size: a reference would keep the first snapshot alive past the next refreshes.
    const tickets = cache.snapshot?.size ?? 0;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      s0 = performance.now();
      await cache.refresh();
      times.push(performance.now() - s0);
    }
    times.sort((a, b) => a - b);
    const settled = await memory();
    process.stdout.write(
      `refresh (pages of 2000 → packed snapshot → file of ${mb(statSync(o.file).size)}), ` +
        `${tickets} tickets: ${firstMs.toFixed(0)} ms the first, median ` +
        `${times[2]!.toFixed(0)} ms of 5 more\n`,
    );
    delta('  memory held by the snapshot', base, held);
    process.stdout.write(
      `  after 5 more (back to back): ` +
        `RSS +${mb(settled.rss - base.rss)}, V8 heap committed +${mb(settled.heapTotal - base.heapTotal)}\n`,
    );
    s0 = performance.now();
    let after = '';
    for (;;) {
      const page = await allVotablePoolTickets(db, { afterHash: after, limit: 2000 });
      if (page.length < 2000) break;
      after = page[page.length - 1]!.hash;
    }
    process.stdout.write(
      `  of which reading the pages alone: ${(performance.now() - s0).toFixed(0)} ms\n`,
    );
    const winners = Array.from({ length: 5 }, (_, k) =>
      createHash('sha256')
        .update(`ticket ${k * 7919}`)
        .digest('hex'),
    );
    const lookups: number[] = [];
    for (let i = 0; i < 1000; i++) {
      s0 = performance.now();
      if (cache.lookup(winners)?.tickets.length !== 5) throw new Error('bench: winners not found');
      lookups.push(performance.now() - s0);
    }
    lookups.sort((a, b) => a - b);
    process.stdout.write(
      `lookup of a block's 5 winners in the snapshot: p50 ${lookups[500]!.toFixed(3)} ms, ` +
        `p99 ${lookups[990]!.toFixed(3)} ms\n`,
    );
    await cache.stop();
  } else {
    // A start with the database down: the file alone.
    const loaded = decodeVotableSnapshot(await readFile(o.file), net.name);
    const loadMs = performance.now() - s0;
    if (o.mode === 'load') {
      const held = await memory();
      process.stdout.write(
        `file read and checked at startup (${loaded.size} tickets): ${loadMs.toFixed(0)} ms\n`,
      );
      delta('  memory held by the loaded snapshot', base, held);
    } else {
      // For comparison: the same tickets as plain objects with hex strings.
      const objects = new Map<string, VotableTicket>();
      for (const t of loaded.tickets()) objects.set(t.hash, t);
      const withBoth = await memory();
      loaded.lookup([]); // keeps `loaded` alive up to here
      delta(
        `(for comparison: snapshot plus a Map of ${objects.size} plain objects)`,
        base,
        withBoth,
      );
    }
  }
  await database.close();
}

const childJob = process.env[CHILD];
if (childJob !== undefined) {
  await child(JSON.parse(childJob) as Parameters<typeof child>[0]);
} else {
  await seedAndMeasure();
}

async function seedAndMeasure(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'stakepool-bench-votercache-'));
  const sqlitePath = join(dir, 'pool.db');
  const database = createDatabase({ engine: 'sqlite', sqlitePath });
  try {
    await migrateToLatest(database.db);
    const db = database.db;

    // ----- seed: users with their multisig; per user one real ticket, varied per row -----
    const t0 = performance.now();
    const templates: Buffer[] = [];
    const addresses: string[] = [];
    await withTransaction(db, async (trx) => {
      for (let i = 0; i < USERS; i++) {
        const u = await createPoolUser(trx, {
          email: `user${i}@bench.example`,
          passwordHash: 'scrypt$bench',
          emailVerified: 1,
          voteBits: i % 3 === 0 ? 0x0005 : 1,
          voteBitsVersion: version,
        });
        if (u === undefined) throw new Error('bench: user not created');
        const ms = userMultisig(account.key, u.id, net);
        addresses[u.id] = ms.address;
        templates[u.id] = Buffer.from(
          poolTicket({ redeemScript: ms.redeemScript, seed: `tpl ${u.id}`, net }).hex,
          'hex',
        );
        await setPoolUserMultisig(trx, u.id, {
          address: ms.address,
          script: toHex(ms.redeemScript),
          poolPubKeyAddr: `SkPool${u.id}`,
          userPubKeyAddr: `SkUser${u.id}`,
          feeAddress: `SsFee${u.id}`,
          heightRegistered: 1,
        });
      }
    });
    let ticketBytes = 0;
    for (let start = 0; start < TICKETS; start += BATCH) {
      const rows: NewPoolTicket[] = [];
      for (let i = start; i < Math.min(TICKETS, start + BATCH); i++) {
        const userId = (i % USERS) + 1;
        // The template with its first input's outpoint made unique (6 = after version and count).
        const tx = Buffer.from(templates[userId]!);
        createHash('sha256').update(`row ${i}`).digest().copy(tx, 6);
        ticketBytes += tx.length;
        rows.push({
          hash: createHash('sha256').update(`ticket ${i}`).digest('hex'),
          userId,
          ticketAddress: addresses[userId]!,
          purchaseHeight: 100 + Math.floor(i / 20),
          purchaseBlock: 'ab'.repeat(32),
          price: 13_878_152_470n,
          feePaid: 944_988n,
          feeRequired: 944_988n,
          feeStatus: 'ok',
          ticketHex: tx.toString('hex'),
        });
      }
      await withTransaction(db, (trx) => insertPoolTickets(trx, rows));
    }
    process.stdout.write(
      `seeded ${TICKETS.toLocaleString('en-US')} live pool tickets of ${USERS} users ` +
        `(${(ticketBytes / TICKETS).toFixed(0)} bytes each) in ` +
        `${((performance.now() - t0) / 1000).toFixed(1)} s (SQLite file)\n`,
    );

    // Each measurement in a fresh process: RSS only grows, so in this one (after seeding) a
    // delta would say little.
    const file = join(dir, 'data', VOTER_CACHE_FILE);
    for (const mode of ['refresh', 'load', 'objects'] as const) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
        env: { ...process.env, [CHILD]: JSON.stringify({ mode, sqlitePath, file }) },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      if (r.status !== 0) throw new Error(`bench: ${mode} child failed (${r.status})`);
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
