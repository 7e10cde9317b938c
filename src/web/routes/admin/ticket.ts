// GET /admin/ticket?hash=…: look a ticket up (a read, so a plain GET form without a token).
// POST /admin/ticket with `hash` (vspd's form) is accepted too, with the CSRF token, and answered
// with a redirect to the GET, so the result page can be reloaded and bookmarked.
import type { FastifyInstance } from 'fastify';
import { readSession, requireAdmin, touchSession } from '../../plugins/admin-auth.ts';
import { csrfValid } from '../../plugins/csrf.ts';
import { adminNav, sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { ticketPage } from '../../views/admin/ticket.ts';
import type { TicketSearchResult } from '../../views/admin/ticket.ts';
import { messagePage } from '../../views/message.ts';

const HASH = /^[0-9a-f]{64}$/;

const hashField = { type: 'string', maxLength: 256 } as const;

export function ticketRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;

  app.get<{ Querystring: { hash?: string } }>(
    '/admin/ticket',
    { schema: { querystring: { type: 'object', properties: { hash: hashField } } } },
    async (request, reply) => {
      const now = ctx.now();
      const session = await requireAdmin(request, reply, admin, now);
      if (session === undefined) return reply;
      const query = (request.query.hash ?? '').trim();
      const hash = query.toLowerCase();
      const view = {
        site: siteView(deps),
        nowMs: now,
        nav: adminNav(session, 'ticket'),
        net: ctx.net,
        query,
        maxVoteChanges: ctx.maxVoteChangeRecords,
      } as const;
      if (hash === '') return sendHtml(reply, ticketPage(view));
      if (!HASH.test(hash)) {
        return sendHtml(
          reply,
          ticketPage({ ...view, error: 'A ticket hash is 64 hexadecimal characters.' }),
          400,
        );
      }
      const { store } = admin;
      const [ticket, voteChanges, altSign] = await Promise.all([
        store.getTicket(hash),
        store.voteChanges(hash),
        store.altSignAddress(hash),
      ]);
      const result: TicketSearchResult = { hash, ticket, voteChanges, altSign };
      return sendHtml(reply, ticketPage({ ...view, result }));
    },
  );

  app.post<{ Body: { hash?: string; csrf?: string } }>(
    '/admin/ticket',
    {
      schema: {
        body: {
          type: 'object',
          properties: { hash: hashField, csrf: { type: 'string', maxLength: 256 } },
        },
      },
    },
    async (request, reply) => {
      const now = ctx.now();
      const session = await readSession(request, admin);
      if (session?.admin !== true) return reply.code(303).header('location', '/admin').send();
      touchSession(session, now);
      if (!csrfValid(session, request.body.csrf)) {
        return sendHtml(
          reply,
          messagePage({
            site: siteView(deps),
            nowMs: now,
            title: 'Forbidden',
            message: 'The search form has expired. Go back to the admin page and try again.',
            nav: adminNav(session, 'ticket'),
          }),
          403,
        );
      }
      const hash = encodeURIComponent((request.body.hash ?? '').trim());
      return reply.code(303).header('location', `/admin/ticket?hash=${hash}`).send();
    },
  );
}
