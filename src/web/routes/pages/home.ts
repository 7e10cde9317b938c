// GET /: the pool, its statistics and both ways in.
import type { FastifyInstance } from 'fastify';
import type { VspStats } from '../../../vsp/stats.ts';
import { sendHtml, siteView } from '../../plugins/site.ts';
import type { PagesDeps } from '../../plugins/site.ts';
import { homePage } from '../../views/home.ts';

export function homeRoute(app: FastifyInstance, deps: PagesDeps): void {
  const { ctx, site, pool } = deps;
  const vsp = ctx.vsp !== false;
  app.get('/', async (request, reply) => {
    let stats: VspStats | undefined;
    // A legacy-only pool has no VSP numbers to show (its own are on /stats).
    if (vsp) {
      try {
        stats = await ctx.stats.get();
      } catch (err) {
        // The page still renders (closed notice, how to connect); only the numbers are missing.
        request.log.warn({ err }, 'home page: stats unavailable');
        stats = ctx.stats.peek();
      }
    }
    const vspUrl = site.baseUrl !== '' ? site.baseUrl : `${request.protocol}://${request.host}`;
    return sendHtml(
      reply,
      homePage({
        site: siteView(deps),
        nowMs: ctx.now(),
        vspFee: ctx.config.vspFee,
        stats,
        vspUrl,
        description: site.description,
        legacyPool: site.legacyPool,
        vsp,
        ...(pool === undefined
          ? {}
          : {
              legacy: {
                closed: pool.closePool,
                closedMsg: pool.closePoolMsg,
                poolFees: pool.pages?.poolFees,
                poolLink: ctx.poolLink ?? '',
              },
            }),
      }),
    );
  });
}
