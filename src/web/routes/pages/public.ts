// GET /public/style.css: the one static file, read once at startup.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const STYLE = readFileSync(new URL('../../public/style.css', import.meta.url));

export function publicRoute(app: FastifyInstance): void {
  app.get('/public/style.css', (_request, reply) =>
    reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=3600')
      .send(STYLE),
  );
}
