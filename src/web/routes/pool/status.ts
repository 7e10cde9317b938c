// GET /status for the pool's admins (dcrstakepool's backend table): each dcrd, each voter, and the
// ticket scanner's progress. Always 200 when the page renders, as dcrstakepool ≥ 1.2; the
// machine-readable health check for monitoring is /admin/status.
import type { FastifyInstance } from 'fastify';
import { getSetting, SETTING_KEYS } from '../../../db/settings.ts';
import { sendHtml } from '../../plugins/site.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { statusPage } from '../../views/pool/status.ts';
import { requirePoolAdmin } from './admin-access.ts';
import { pageView } from './page.ts';
import { pagesDeps, tipHeight } from './pages-context.ts';
import type { PoolStatusReport } from './pages-context.ts';

export function statusRoute(app: FastifyInstance, poolDeps: PoolDeps): void {
  const deps = pagesDeps(app, poolDeps, '/status');
  if (deps === undefined) return;
  const { pool, pages } = deps;

  app.get('/status', async (request, reply) => {
    const lu = await requirePoolAdmin(deps, request, reply);
    if (lu === undefined) return reply;
    let report: PoolStatusReport | undefined;
    try {
      report = await pages.status.check();
    } catch (err) {
      request.log.error({ err }, 'pool status check failed');
    }
    const raw = await getSetting(pool.db, SETTING_KEYS.poolLastScannedBlock);
    const scannedHeight = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
    const heights = (report?.dcrd ?? [])
      .map((d) => d.bestBlockHeight)
      .filter((h): h is number => h !== undefined);
    const tip = heights.length > 0 ? Math.max(...heights) : await tipHeight(pages);
    return sendHtml(
      reply,
      statusPage({
        ...pageView(deps, lu.session, lu.user),
        report,
        voteVersion: pool.voteVersion,
        scannedHeight,
        tipHeight: tip,
      }),
    );
  });
}
