// GET /captcha.svg: the picture of the session's captcha digits (drawn anew on every request, so
// two downloads of one set differ). `?reload=1` first replaces the digits. The digits never leave
// the server except as this picture.
import type { FastifyInstance } from 'fastify';
import { renderCaptchaSvg } from '../../../pool/captcha.ts';
import type { PoolDeps } from '../../plugins/site.ts';
import { stringFieldsSchema } from './form-schema.ts';
import type { StringFields } from './form-schema.ts';
import { captchaDigits, PRIVATE_CACHE } from './page.ts';

const querySchema = stringFieldsSchema(['reload', 'v'], 16);

export function captchaRoute(app: FastifyInstance, deps: PoolDeps): void {
  const { pool } = deps;
  app.get<{ Querystring: StringFields<typeof querySchema> }>(
    '/captcha.svg',
    { schema: { querystring: querySchema } },
    async (request, reply) => {
      const session = await pool.sessions.ensure(request, reply);
      const reload = request.query.reload !== undefined && request.query.reload !== '';
      const digits = captchaDigits(session, reload);
      return (
        reply
          .type('image/svg+xml')
          .header('cache-control', PRIVATE_CACHE)
          // Opened on its own, the picture may do nothing but be drawn.
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(renderCaptchaSvg(digits))
      );
    },
  );
}
