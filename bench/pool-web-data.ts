// The database of the legacy pool's web benchmarks: one SQLite file, migrated, with the VSP's fee
// xpub and server key (the app serves the VSP API beside the pool), then written through the
// src/db repositories as a pool accumulates it: one user owning `ownerTickets` tickets in every
// /tickets group, more users owning `otherTickets` between them (so the owner's queries run
// beside other people's rows), each with a real scrypt password hash, a 1-of-2 address and the
// owner an API token. Anonymous sessions with a CSRF secret, one per login request, are made
// straight in web_sessions, as GET /login would make them. Everything but the salts and the
// session ids derives from indexes.
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { blake256 } from '../src/dcr/hash.ts';
import { toHex } from '../src/dcr/bytes.ts';
import { ExtendedKey } from '../src/dcr/hdkey.ts';
import type { NetParams } from '../src/dcr/params.ts';
import { isValidPrivateKey, publicKeyCreate } from '../src/dcr/secp.ts';
import { createDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { addLowFeeTickets } from '../src/db/pool-low-fee-tickets.ts';
import { insertPoolTickets, setPoolTicketOutcome } from '../src/db/pool-tickets.ts';
import type { NewPoolTicket, PoolOutcome, PoolTicketGroup } from '../src/db/pool-tickets.ts';
import { createPoolUser, setPoolUserApiToken, setPoolUserMultisig } from '../src/db/pool-users.ts';
import type { Db } from '../src/db/transaction.ts';
import { withTransaction } from '../src/db/transaction.ts';
import { setFeeXpub } from '../src/db/vsp-fee-xpubs.ts';
import { createWebSession } from '../src/db/web-sessions.ts';
import { signApiToken } from '../src/pool/api-token.ts';
import { PoolKeys } from '../src/pool/keys.ts';
import { hashUserPassword } from '../src/pool/password.ts';
import { currentVoteVersion } from '../src/vsp/agendas.ts';
import { createVspStore } from '../src/vsp/db-store.ts';
import { loadOrCreateServerKey } from '../src/vsp/server-key.ts';
import { poolTicket } from '../test/voting/pool-vote-fixtures.ts';
import { feeXpub } from './vsp-data.ts';

const enc = new TextEncoder();
const digest = (s: string): Uint8Array => blake256(enc.encode(s));

export const OWNER_EMAIL = 'owner@bench.example';
export const OWNER_PASSWORD = 'the owner of fifty thousand tickets';
export const loginEmail = (i: number): string => `user${i}@bench.example`;
export const loginPassword = (i: number): string => `bench password ${i}`;

/** Public pool keys (votingwalletextpub, coldwalletextpub) of the bench pool. */
export function benchXpubs(net: NetParams): { voting: string; cold: string } {
  const xpub = (s: string) => ExtendedKey.fromSeed(digest(s), net).neuter().toString();
  return { voting: xpub('stakepool bench voting'), cold: xpub('stakepool bench cold') };
}

export interface PoolSeedOptions {
  path: string;
  net: NetParams;
  /** dcrd's best height as the server will report it. */
  tipHeight: number;
  ownerTickets: number;
  /** Accounts besides the owner; they log in in the login benchmark. */
  users: number;
  /** Tickets of those accounts, spread evenly. */
  otherTickets: number;
  apiSecret: string;
  baseUrl: string;
}

export interface PoolSeed {
  ownerId: number;
  /** The owner's API token (stored as the current one). */
  apiToken: string;
  /** Owner's tickets per /tickets group, as the pages must count them. */
  groups: Record<PoolTicketGroup, number>;
  /** Seconds: users (scrypt hashing included), tickets, outcomes. */
  usersSeconds: number;
  hashSeconds: number;
  ticketsSeconds: number;
}

/**
 * The owner's ticket k of n, oldest first: what it is and when it was bought. The newest few
 * hundred are immature, the next ones live, the rest ended: mostly voted, some missed, expired,
 * revoked, and a sprinkling failing the fee check (some of those unspent).
 */
function ownerTicketPlan(
  k: number,
  n: number,
  tip: number,
  maturity: number,
): { group: PoolTicketGroup; height: number; outcome: PoolOutcome; fee: 'ok' | 'low' } {
  const immature = Math.min(500, Math.floor(n / 100));
  const live = Math.min(3500, Math.floor((n * 7) / 100));
  const ended = n - immature - live;
  if (k >= ended + live) {
    // Bought within the last `maturity` blocks.
    const j = k - ended - live;
    return {
      group: 'immature',
      height: tip - maturity + Math.floor((j * maturity) / immature),
      outcome: '',
      fee: 'ok',
    };
  }
  if (k >= ended) {
    const j = k - ended;
    return {
      group: 'live',
      height: tip - 40_000 + Math.floor((j * (40_000 - maturity - 1)) / live),
      outcome: '',
      fee: 'ok',
    };
  }
  // Ended tickets: 20 per block over the years before.
  const height = tip - 45_000 - Math.floor((ended - k) / 20);
  const r = k % 92;
  if (r === 0) return { group: 'invalid', height, outcome: '', fee: 'low' };
  if (r === 1) return { group: 'invalid', height, outcome: 'expired', fee: 'low' };
  if (r < 5) return { group: 'missed', height, outcome: 'missed', fee: 'ok' };
  if (r < 8) return { group: 'expired', height, outcome: 'expired', fee: 'ok' };
  if (r < 10) return { group: 'revoked', height, outcome: 'revoked', fee: 'ok' };
  return { group: 'voted', height, outcome: 'voted', fee: 'ok' };
}

function userPubKey(i: number): Uint8Array {
  let k = digest(`stakepool bench user key ${i}`);
  while (!isValidPrivateKey(k)) k = blake256(k);
  return publicKeyCreate(k, true);
}

const BATCH = 5_000;
const HASH_PARALLEL = 8;

/** Builds the database at `o.path` (which must not exist). */
export async function seedPoolDatabase(o: PoolSeedOptions): Promise<PoolSeed> {
  const { net } = o;
  const database = createDatabase({ engine: 'sqlite', sqlitePath: o.path });
  try {
    const db = database.db;
    await migrateToLatest(db);
    await setFeeXpub(db, feeXpub(net));
    await loadOrCreateServerKey(createVspStore(db));
    const xpubs = benchXpubs(net);
    const keys = new PoolKeys(xpubs.voting, xpubs.cold, net);
    const version = currentVoteVersion(net.name);

    // Users: real scrypt hashes (DEFAULT_SCRYPT), a few at a time on libuv's threads.
    const u0 = performance.now();
    const passwords = [
      OWNER_PASSWORD,
      ...Array.from({ length: o.users }, (_, i) => loginPassword(i)),
    ];
    const hashes: string[] = [];
    for (let i = 0; i < passwords.length; i += HASH_PARALLEL) {
      hashes.push(
        ...(await Promise.all(
          passwords.slice(i, i + HASH_PARALLEL).map((p) => hashUserPassword(p)),
        )),
      );
    }
    const hashSeconds = (performance.now() - u0) / 1000;
    const addresses: string[] = [];
    const ids: number[] = [];
    await withTransaction(db, async (trx) => {
      for (let i = 0; i < passwords.length; i++) {
        const u = await createPoolUser(trx, {
          email: i === 0 ? OWNER_EMAIL : loginEmail(i - 1),
          passwordHash: hashes[i]!,
          emailVerified: 1,
          voteBits: i % 3 === 0 ? 5 : 1,
          voteBitsVersion: version,
        });
        if (u === undefined) throw new Error('pool bench: user not created');
        const m = keys.multisig(u.id, userPubKey(i));
        await setPoolUserMultisig(trx, u.id, {
          address: m.address,
          script: m.script,
          poolPubKeyAddr: m.poolPubKeyAddr,
          userPubKeyAddr: m.userPubKeyAddr,
          feeAddress: m.feeAddress,
          heightRegistered: o.tipHeight - 50_000,
        });
        ids.push(u.id);
        addresses.push(m.address);
      }
    });
    const ownerId = ids[0]!;
    const apiToken = await signApiToken(o.apiSecret, {
      issuer: o.baseUrl,
      userId: ownerId,
    });
    await setPoolUserApiToken(db, ownerId, apiToken);
    const usersSeconds = (performance.now() - u0) / 1000;

    // Tickets: a real ticket's bytes as every row's ticket_hex, so rows have their real size.
    const t0 = performance.now();
    const sample = poolTicket({
      redeemScript: new Uint8Array(71).fill(0x51),
      seed: 'bench',
      net,
    }).hex;
    const groups = {
      immature: 0,
      live: 0,
      voted: 0,
      missed: 0,
      expired: 0,
      revoked: 0,
      invalid: 0,
    } satisfies Record<PoolTicketGroup, number>;
    const outcomes: { hash: string; outcome: PoolOutcome; height: number; spentBy: string }[] = [];
    const lowFeeAdded: string[] = [];
    const rows: NewPoolTicket[] = [];
    const flush = async (): Promise<void> => {
      const batch = rows.splice(0);
      const done = outcomes.splice(0);
      await withTransaction(db, async (trx) => {
        await insertPoolTickets(trx, batch);
        for (const x of done) await setPoolTicketOutcome(trx, x.hash, x);
      });
    };
    const total = o.ownerTickets + o.otherTickets;
    for (let i = 0; i < total; i++) {
      const owner = i < o.ownerTickets;
      const userIndex = owner ? 0 : 1 + ((i - o.ownerTickets) % o.users);
      const plan = owner
        ? ownerTicketPlan(i, o.ownerTickets, o.tipHeight, net.ticketMaturity)
        : ownerTicketPlan(
            Math.floor((i - o.ownerTickets) / o.users),
            Math.ceil(o.otherTickets / o.users),
            o.tipHeight,
            net.ticketMaturity,
          );
      const hash = toHex(digest(`stakepool bench pool ticket ${i}`));
      // A few live low-fee tickets an admin let through: the pages' valid-ticket test reads them.
      const added = plan.group === 'live' && plan.fee === 'ok' && i % 500 === 7;
      rows.push({
        hash,
        userId: ids[userIndex]!,
        ticketAddress: addresses[userIndex]!,
        purchaseHeight: plan.height,
        purchaseBlock: toHex(digest(`block ${plan.height}`)),
        price: 13_878_152_470n + BigInt(plan.height % 1000),
        feePaid: plan.fee === 'ok' && !added ? 944_988n : 1_000n,
        feeRequired: 944_988n,
        feeStatus: plan.fee === 'ok' && !added ? 'ok' : 'low',
        ticketHex: sample,
      });
      if (added) lowFeeAdded.push(hash);
      if (plan.outcome !== '') {
        const spent = plan.outcome === 'voted' || plan.outcome === 'revoked';
        outcomes.push({
          hash,
          outcome: plan.outcome,
          height: plan.height + (plan.outcome === 'expired' ? 41_217 : 256 + (i % 28_000)),
          spentBy: spent ? toHex(digest(`spend ${i}`)) : '',
        });
      }
      if (owner) groups[plan.group]++;
      if (rows.length >= BATCH) await flush();
    }
    await flush();
    await addLowFeeTickets(db, lowFeeAdded, ownerId);
    const ticketsSeconds = (performance.now() - t0) / 1000;
    return { ownerId, apiToken, groups, usersSeconds, hashSeconds, ticketsSeconds };
  } finally {
    await database.close();
  }
}

export interface AnonymousSession {
  /** `session=<value>` */
  cookie: string;
  csrf: string;
}

/**
 * `count` anonymous sessions holding a CSRF secret, as GET /login leaves them: each successful
 * login replaces its session, so every login request needs one of its own.
 */
export async function anonymousSessions(
  db: Db,
  count: number,
  lifeSeconds: number,
): Promise<AnonymousSession[]> {
  const now = Math.floor(Date.now() / 1000);
  const out: AnonymousSession[] = [];
  await withTransaction(db, async (trx) => {
    for (let i = 0; i < count; i++) {
      const value = randomBytes(32).toString('base64url');
      const csrf = randomBytes(32).toString('base64url');
      await createWebSession(trx, {
        idHash: createHash('sha256').update(value, 'utf8').digest('hex'),
        userId: undefined,
        admin: false,
        data: { csrf },
        createdAt: now,
        expiresAt: now + lifeSeconds,
      });
      out.push({ cookie: `session=${value}`, csrf });
    }
  });
  return out;
}
