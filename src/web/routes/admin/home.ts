// GET /admin: the login form for a visitor, the status page for the logged-in admin.
import type { FastifyInstance } from 'fastify';
import type { HealthReport } from '../../../admin/health.ts';
import type { ResolvedContext } from '../../context.ts';
import { ensureSession, readSession, touchSession } from '../../plugins/admin-auth.ts';
import { csrfToken } from '../../plugins/csrf.ts';
import { adminNav, sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { loginPage } from '../../views/admin/login.ts';
import { statusPage } from '../../views/admin/status.ts';
import type { Revenue } from '../../views/admin/status.ts';

/** The height to count "the last N days" of revenue back from: dcrd's, else the stats cache's. */
function bestHeight(ctx: ResolvedContext, health: HealthReport): number | undefined {
  const d = health.dcrd;
  if (d.connected && !d.bestBlockError) return d.bestBlockHeight;
  return ctx.stats.peek()?.blockHeight;
}

async function revenue(deps: AdminDeps, height: number | undefined): Promise<Revenue> {
  const { store } = deps.admin;
  // Blocks per day from the network's target spacing (vspd assumes mainnet's 5 minutes).
  const perDay = Math.round(86_400 / deps.ctx.net.targetTimePerBlockSeconds);
  const since = (days: number): number | undefined =>
    height === undefined ? undefined : Math.max(height - days * perDay, 1);
  const h24 = since(1);
  const d28 = since(28);
  const [lifetime, last24Hours, last28Days] = await Promise.all([
    store.feeRevenue(),
    h24 === undefined ? undefined : store.feeRevenue(h24),
    d28 === undefined ? undefined : store.feeRevenue(d28),
  ]);
  return { lifetime, last24Hours, last28Days };
}

export function adminHomeRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;
  app.get('/admin', async (request, reply) => {
    const now = ctx.now();
    const session = await readSession(request, admin);
    if (session === undefined || !session.admin) {
      const s = session ?? (await ensureSession(request, reply, admin));
      return sendHtml(reply, loginPage({ site: siteView(deps), nowMs: now, csrf: csrfToken(s) }));
    }
    touchSession(session, now);
    const { store } = admin;
    const [health, counts, feeXpubs, size] = await Promise.all([
      admin.health.check(),
      store.ticketCounts(),
      store.feeXpubs(),
      store.databaseSize(),
    ]);
    return sendHtml(
      reply,
      statusPage({
        site: siteView(deps),
        nowMs: now,
        nav: adminNav(session, 'status'),
        health,
        counts,
        revenue: await revenue(deps, bestHeight(ctx, health)),
        feeXpubs,
        database: { engine: store.engine, size, canBackup: store.backup !== undefined },
      }),
    );
  });
}
