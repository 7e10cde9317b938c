// GET /stats, public: the numbers the API's `stats` serves (the same five-minute cache), as a
// page. Cached by browsers and proxies for a minute when no one is logged in; a logged-in user's
// copy (with their navigation) stays private.
import type { FastifyInstance } from 'fastify';
import type { PoolStats } from '../../../pool/pool-stats.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { statsPage } from '../../views/pool/stats.ts';
import { currentUser, pageView } from './page.ts';
import { pagesDeps } from './pages-context.ts';

const CHART_URLS: Partial<Record<string, string>> = {
  mainnet: 'https://dcrdata.decred.org/charts?chart=ticket-price',
  testnet3: 'https://testnet.dcrdata.org/charts?chart=ticket-price',
};

export function statsRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/stats');
  if (deps === undefined) return;
  const { pool, pages } = deps;

  app.get('/stats', async (request, reply) => {
    let stats: PoolStats | undefined;
    try {
      stats = await pages.stats.get();
    } catch (err) {
      request.log.error({ err }, 'stats refresh failed');
    }
    const lu = await currentUser(deps, request);
    const session = lu?.session ?? (await pool.sessions.current(request));
    if (session === undefined) reply.header('cache-control', 'public, max-age=60');
    return sendHtml(
      reply,
      statsPage({
        ...pageView(deps, session, lu?.user),
        stats,
        poolFees: pages.poolFees,
        closed: pool.closePool,
        priceChartUrl: CHART_URLS[deps.ctx.net.name],
      }),
      stats === undefined ? 503 : 200,
    );
  });
}
