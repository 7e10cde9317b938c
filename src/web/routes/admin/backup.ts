// GET /admin/backup: download a consistent copy of the SQLite database, made with SQLite's online
// backup API while the server keeps running. PostgreSQL and MySQL are backed up with their own
// tools; for them this answers with a page saying so.
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../../plugins/admin-auth.ts';
import { adminNav, sendHtml, siteView } from '../../plugins/site.ts';
import type { AdminDeps } from '../../plugins/site.ts';
import { messagePage } from '../../views/message.ts';

/** 2026-01-01T00:00:00Z → 20260101-000000, for the file name. */
function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export function backupRoute(app: FastifyInstance, deps: AdminDeps): void {
  const { ctx, admin } = deps;
  app.get('/admin/backup', async (request, reply) => {
    const now = ctx.now();
    const session = await requireAdmin(request, reply, admin, now);
    if (session === undefined) return reply;
    const { backup, engine } = admin.store;
    if (backup === undefined) {
      const tool = engine === 'postgres' ? 'pg_dump' : 'mariadb-dump (or mysqldump)';
      return sendHtml(
        reply,
        messagePage({
          site: siteView(deps),
          nowMs: now,
          title: 'No backup download',
          message:
            `This pool keeps its data in ${engine}. Backing it up is the database's own job: ` +
            `use ${tool} and the database server's backup tools.`,
          nav: adminNav(session, 'status'),
        }),
        501,
      );
    }

    const dir = await mkdtemp(join(tmpdir(), 'stakepool-backup-'));
    let handle;
    try {
      const path = join(dir, 'backup.db');
      await backup(path);
      handle = await open(path, 'r');
    } finally {
      // Once open, the file can go: the descriptor keeps its data until the download ends, and
      // nothing is left behind if the client disconnects.
      await rm(dir, { recursive: true, force: true });
    }
    const { size } = await handle.stat();
    request.log.info({ bytes: size }, 'admin downloaded a database backup');
    const name = `stakepool-${ctx.net.name}-${stamp(now)}.db`;
    return reply
      .type('application/vnd.sqlite3')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('content-length', String(size))
      .send(handle.createReadStream({ autoClose: true }));
  });
}
