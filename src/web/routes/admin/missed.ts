// GET /admin/missed: the missed tickets, newest first.
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../plugins/admin-auth.ts';
import { adminNav, sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { missedPage } from '../../views/admin/missed.ts';

export function missedRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;
  app.get('/admin/missed', async (request, reply) => {
    const now = ctx.now();
    const session = await requireAdmin(request, reply, admin, now);
    if (session === undefined) return reply;
    const tickets = await admin.store.missedTickets();
    return sendHtml(
      reply,
      missedPage({
        site: siteView(deps),
        nowMs: now,
        nav: adminNav(session, 'missed'),
        tickets,
      }),
    );
  });
}
