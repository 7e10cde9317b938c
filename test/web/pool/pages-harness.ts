// The pool's own pages (/address, /tickets, /voting, /stats, /status, /admintickets) on the
// account pages' harness (real SQLite, real SMTP, cookie-keeping clients), with a PoolContext.pages
// made of the real PoolKeys and PoolStatsCache over the database, and fakes of dcrd and the
// status source at their narrow interfaces.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ExtendedKey } from '../../../src/dcr/index.ts';
import { insertPoolTickets, setPoolTicketOutcome } from '../../../src/db/pool-tickets.ts';
import type { NewPoolTicket, PoolOutcome } from '../../../src/db/pool-tickets.ts';
import type { PoolUser } from '../../../src/db/pool-users.ts';
import { PoolKeys } from '../../../src/pool/keys.ts';
import { dbPoolStatsStore, PoolStatsCache } from '../../../src/pool/pool-stats.ts';
import type { PoolStatsDcrd } from '../../../src/pool/pool-stats.ts';
import type { PoolContext } from '../../../src/web/plugins/site.ts';
import type {
  PoolPagesContext,
  PoolPagesDcrd,
  PoolStatusReport,
  PoolStatusSource,
} from '../../../src/web/routes/pool/pages-context.ts';
import { NET } from '../fixtures.ts';
import { loggedIn, poolHarness, verifiedUser } from './harness.ts';
import type { Client, PoolHarness } from './harness.ts';

export { NET };

const xpub = (fill: number): string =>
  ExtendedKey.fromSeed(new Uint8Array(32).fill(fill), NET).neuter().toString();
export const KEYS = new PoolKeys(xpub(21), xpub(22), NET);
export const ADMIN_IP = '192.0.2.99';

/** dcrd for the pages and the stats; `fail` makes every call throw. */
export class PagesDcrd implements PoolPagesDcrd, PoolStatsDcrd {
  height = 5000;
  poolSize = 40960;
  fail = false;
  voteInfo: unknown = {
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
  #check(): void {
    if (this.fail) throw new Error('dcrd is down');
  }
  getBestBlock(): Promise<{ height: number }> {
    this.#check();
    return Promise.resolve({ height: this.height });
  }
  getVoteInfo(): Promise<unknown> {
    this.#check();
    return Promise.resolve(this.voteInfo);
  }
  getBestBlockHeader(): Promise<{ height: number; poolSize: number }> {
    this.#check();
    return Promise.resolve({ height: this.height, poolSize: this.poolSize });
  }
  getStakeDifficulty(): Promise<{ next: bigint }> {
    this.#check();
    return Promise.resolve({ next: 150_00000000n });
  }
  mempoolTicketCount(): Promise<number> {
    this.#check();
    return Promise.resolve(3);
  }
}

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
  dcrd: PagesDcrd;
  stats: PoolStatsCache;
  status: FakeStatus;
  pages: PoolPagesContext;
  /** Push an id to make it an admin. */
  adminUserIds: number[];
}

export async function pagesHarness(
  o: { maxVotedTickets?: number; adminIps?: string[]; pool?: Partial<PoolContext> } = {},
): Promise<PagesHarness> {
  const dcrd = new PagesDcrd();
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
  const h = await poolHarness({ pool: { ...o.pool, pages } });
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

let tickets = 0;

export async function addTicket(
  h: PagesHarness,
  userId: number,
  o: {
    height: number;
    feeStatus?: NewPoolTicket['feeStatus'];
    outcome?: PoolOutcome;
    outcomeHeight?: number;
    spentBy?: string;
  },
): Promise<string> {
  tickets++;
  const hash = randomBytes(28).toString('hex') + tickets.toString(16).padStart(8, '0');
  await insertPoolTickets(h.database.db, [
    {
      hash,
      userId,
      ticketAddress: 'TcTicketAddressOfTests',
      purchaseHeight: o.height,
      purchaseBlock: randomBytes(32).toString('hex'),
      price: 150_00000000n,
      feePaid: o.feeStatus === 'low' ? 1000n : 1_00000000n,
      feeRequired: 50000000n,
      feeStatus: o.feeStatus ?? 'ok',
      ticketHex: '00',
    },
  ]);
  if (o.outcome !== undefined && o.outcome !== '') {
    await setPoolTicketOutcome(h.database.db, hash, {
      outcome: o.outcome,
      height: o.outcomeHeight ?? o.height + 300,
      spentBy: o.spentBy ?? '',
    });
  }
  return hash;
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
