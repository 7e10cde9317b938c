// The web server: one fastify app on one origin. It serves the vspd-compatible API under
// /api/v3, and the pages (/, /admin); the legacy API is registered here as it is built.
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { resolveContext } from './context.ts';
import type { WebContext } from './context.ts';
import { vspApi } from './plugins/vsp-api.ts';
import { poolApi } from './plugins/pool-api.ts';
import type { VspApiOptions } from './plugins/vsp-api.ts';
import { pages } from './plugins/pages.ts';
import { resolvePages } from './plugins/site.ts';

export interface BuildOptions {
  /** /api/v3 tuning (broadcast retry timing and limits). */
  vspApi?: VspApiOptions;
  /** Trust X-Forwarded-For from the reverse proxy (vspd runs behind nginx). Default false. */
  trustProxy?: boolean;
}

export function build(ctx: WebContext, options: BuildOptions = {}): FastifyInstance {
  const app: FastifyInstance =
    ctx.log === undefined
      ? Fastify({ logger: false, trustProxy: options.trustProxy ?? false })
      : Fastify({ loggerInstance: ctx.log, trustProxy: options.trustProxy ?? false });
  const resolved = resolveContext(ctx, app.log);
  // A legacy-only pool (vsp=0) serves no /api/v3: nothing would vote the tickets it registered.
  if (ctx.vsp !== false) void app.register(vspApi(resolved, options.vspApi), { prefix: '/api/v3' });
  // Prefix /api: its 404 answers every other /api path the way dcrstakepool did.
  if (ctx.poolApi !== undefined) void app.register(poolApi(ctx.poolApi), { prefix: '/api' });
  void app.register(pages(resolvePages(resolved, ctx.site, ctx.admin, ctx.pool)));
  return app;
}
