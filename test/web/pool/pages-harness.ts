// The pool's own pages (/address, /tickets, /voting, /stats, /status, /admintickets) on the
// account pages' harness (real SQLite, real SMTP, cookie-keeping clients), with a PoolContext.pages
// made of the real PoolKeys and PoolStatsCache over the database, and fakes of dcrd and the
// status source at their narrow interfaces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setPoolUserMultisig } from '../../../src/db/pool-users.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { dbPoolStatsStore, PoolStatsCache } from '../../../src/pool/pool-stats.ts';
import type { PoolContext } from '../../../src/web/plugins/site.ts';
import type {
  PoolPagesContext,
  PoolStatusReport,
  PoolStatusSource,
} from '../../../src/web/routes/pool/pages-context.ts';
import { NET } from '../fixtures.ts';
import { loggedIn, poolHarness, verifiedUser } from './harness.ts';
import type { PoolHarnessOptions } from './harness.ts';
import type { Client, PoolHarness } from './harness.ts';
import { FakePoolDcrd, insertTestTicket, testPoolKeys } from './legacy-fixtures.ts';
import type { TestTicket } from './legacy-fixtures.ts';

export { NET };
export { suiteHarness } from './legacy-fixtures.ts';

export const KEYS = testPoolKeys(21, 22);
export const ADMIN_IP = '192.0.2.99';

/** getvoteinfo of testnet3's current vote version, midway through its one agenda's vote. */
const VOTE_INFO = {
  currentheight: 5000,
  startheight: 4032,
  endheight: 6047,
  quorum: 4032,
  totalvotes: 1500,
  agendas: [
    {
      id: 'maxtreasuryspend',
      description: 'Change maximum treasury expenditure policy as defined in DCP0013',
      mask: 6,
      status: 'started',
      quorumprogress: 0.372,
      choices: [
        {
          id: 'abstain',
          description: 'abstain voting for change',
          bits: 0,
          count: 100,
          progress: 0.1,
        },
        {
          id: 'no',
          description: 'keep the existing consensus rules',
          bits: 2,
          count: 200,
          progress: 0.2,
        },
        {
          id: 'yes',
          description: 'change to the new consensus rules',
          bits: 4,
          count: 700,
          progress: 0.7,
        },
      ],
    },
  ],
};

export class FakeStatus implements PoolStatusSource {
  report: PoolStatusReport = {
    dcrd: [{ host: 'wss://127.0.0.1:19109/ws', connected: true, bestBlockHeight: 5000 }],
    voters: [
      {
        name: 'this process',
        running: true,
        keyLoaded: true,
        voteVersion: 12,
        lastBlock: { height: 4999, at: 1767225000, ours: 2, sent: 2, duplicates: 0, failed: 0 },
      },
    ],
  };
  fail = false;
  check(): Promise<PoolStatusReport> {
    return this.fail ? Promise.reject(new Error('status failed')) : Promise.resolve(this.report);
  }
}

export interface PagesHarness extends PoolHarness {
  dcrd: FakePoolDcrd;
  stats: PoolStatsCache;
  status: FakeStatus;
  pages: PoolPagesContext;
  /** Push an id to make it an admin. */
  adminUserIds: number[];
}

export async function pagesHarness(
  o: {
    maxVotedTickets?: number;
    adminIps?: string[];
    pool?: Partial<PoolContext>;
    web?: PoolHarnessOptions['web'];
  } = {},
): Promise<PagesHarness> {
  const dcrd = new FakePoolDcrd({
    height: 5000,
    nextSdiff: 150_00000000n,
    mempool: 3,
    voteInfo: VOTE_INFO,
  });
  const status = new FakeStatus();
  const adminUserIds: number[] = [];
  // The stats cache reads the harness's database, which exists only once poolHarness made it.
  const made: { stats?: PoolStatsCache } = {};
  const statsProxy = {
    get: () => (made.stats ?? assert.fail('stats used before setup')).get(),
    peek: () => made.stats?.peek(),
  };
  const pages: PoolPagesContext = {
    keys: KEYS,
    dcrd,
    stats: statsProxy,
    poolFees: 7.5,
    adminIps: o.adminIps ?? [ADMIN_IP, '2001:db8::99'],
    adminUserIds,
    ...(o.maxVotedTickets !== undefined ? { maxVotedTickets: o.maxVotedTickets } : {}),
    status,
  };
  const h = await poolHarness({
    pool: { ...o.pool, pages },
    ...(o.web === undefined ? {} : { web: o.web }),
  });
  const stats = new PoolStatsCache({
    store: dbPoolStatsStore(h.database.db),
    dcrd,
    net: NET,
    now: () => h.clock.ms,
  });
  made.stats = stats;
  return { ...h, dcrd, stats, status, pages, adminUserIds };
}

let emails = 0;

/** A verified account, logged in through the form. */
export async function userClient(
  h: PagesHarness,
  ip?: string,
): Promise<{ user: PoolUser; c: Client }> {
  emails++;
  const email = `user${emails}-${randomBytes(3).toString('hex')}@example.org`;
  const user = await verifiedUser(h, email);
  const c = await loggedIn(h, email, undefined, ip);
  return { user, c };
}

export function addTicket(h: PagesHarness, userId: number, o: TestTicket): Promise<string> {
  return insertTestTicket(h.database.db, userId, o);
}

/** Gives the user a multisig address (any valid key will do as theirs: a child of the pool's). */
export async function withAddress(h: PagesHarness, user: PoolUser): Promise<void> {
  const m = KEYS.multisig(user.id, KEYS.poolPubKey(user.id + 100));
  assert.ok(await setPoolUserMultisig(h.database.db, user.id, { ...m, heightRegistered: 1 }));
}

/** The text of a page without tags, whitespace collapsed: for "contains" checks. */
export function textOf(body: string): string {
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');
}
