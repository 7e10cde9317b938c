// GET /: the pool, its statistics and both ways in.
import type { FastifyInstance } from 'fastify';
import type { VspStats } from '../../../vsp/stats.ts';
import { sendHtml, siteView } from '../../plugins/site.ts';
import type { PagesDeps } from '../../plugins/site.ts';
import { homePage } from '../../views/home.ts';

export function homeRoute(app: FastifyInstance, deps: PagesDeps): void {
  const { ctx, site } = deps;
  app.get('/', async (request, reply) => {
    let stats: VspStats | undefined;
    try {
      stats = await ctx.stats.get();
    } catch (err) {
      // The page still renders (closed notice, how to connect); only the numbers are missing.
      request.log.warn({ err }, 'home page: stats unavailable');
      stats = ctx.stats.peek();
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
      }),
    );
  });
}
