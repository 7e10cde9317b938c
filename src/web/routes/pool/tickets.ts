// GET /tickets?group=&page= for the logged-in user: one group of their tickets, a page at a time,
// from the pool's own table (dcrstakepool asked a wallet for every ticket at once: 39 s for
// 50,000). Without an address there is nothing to show: the browser goes to /address.
import type { FastifyInstance } from 'fastify';
import {
  countPoolUserTickets,
  listPoolUserTickets,
  POOL_TICKET_GROUPS,
} from '../../../db/pool-tickets.ts';
import type { PoolTicketGroup } from '../../../db/pool-tickets.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { ticketsPage } from '../../views/pool/tickets.ts';
import { pageView, requireUserWithAddress, sendMessagePage } from './page.ts';
import { DEFAULT_MAX_VOTED_TICKETS, pagesDeps, tipHeight } from './pages-context.ts';

export const TICKETS_PAGE_SIZE = 50;

// The tab shown without ?group=: the first one that has tickets, live before the rest.
const DEFAULT_ORDER: readonly PoolTicketGroup[] = [
  'live',
  'immature',
  'voted',
  'missed',
  'expired',
  'revoked',
  'invalid',
];

const querySchema = {
  type: 'object',
  properties: {
    group: { type: 'string', maxLength: 16 },
    page: { type: 'string', maxLength: 12 },
  },
} as const;

function isGroup(s: string | undefined): s is PoolTicketGroup {
  return s !== undefined && (POOL_TICKET_GROUPS as readonly string[]).includes(s);
}

export function ticketsRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/tickets');
  if (deps === undefined) return;
  const { pool, pages } = deps;
  const maturity = deps.ctx.net.ticketMaturity;
  const maxVoted = pages.maxVotedTickets ?? DEFAULT_MAX_VOTED_TICKETS;

  app.get<{ Querystring: { group?: string; page?: string } }>(
    '/tickets',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const lu = await requireUserWithAddress(deps, request, reply);
      if (lu === undefined) return reply;
      const { session, user } = lu;
      const tip = await tipHeight(pages);
      if (tip === undefined) {
        return sendMessagePage(
          deps,
          reply,
          503,
          {
            title: 'Tickets',
            current: 'tickets',
            message: 'The pool cannot reach its Decred node right now. Please try again soon.',
          },
          session,
          user,
        );
      }
      const view = { tipHeight: tip, maturity };
      const counts = await countPoolUserTickets(pool.db, user.id, view);
      const asked = request.query.group;
      const group = isGroup(asked) ? asked : (DEFAULT_ORDER.find((g) => counts[g] > 0) ?? 'live');
      const listed = group === 'voted' ? Math.min(counts.voted, maxVoted) : counts[group];
      const pageCount = Math.max(1, Math.ceil(listed / TICKETS_PAGE_SIZE));
      const askedPage = /^[0-9]{1,9}$/.test(request.query.page ?? '')
        ? Number(request.query.page)
        : 1;
      const page = Math.min(Math.max(askedPage, 1), pageCount);
      const offset = (page - 1) * TICKETS_PAGE_SIZE;
      const limit = Math.max(0, Math.min(TICKETS_PAGE_SIZE, listed - offset));
      const tickets = await listPoolUserTickets(pool.db, user.id, {
        group,
        ...view,
        limit,
        offset,
      });
      return sendHtml(
        reply,
        ticketsPage({
          ...pageView(deps, session, user),
          net: deps.ctx.net.name,
          counts,
          group,
          tickets,
          page,
          pages: pageCount,
          pageSize: TICKETS_PAGE_SIZE,
          tipHeight: tip,
          maturity,
          maxVoted,
          supportEmail: deps.site.supportEmail,
        }),
      );
    },
  );
}
